/** Partitions travel as binary frames (meta + one buffer per column), never as JSON. */
import { registerType } from '../core/serialize.js';
import { frameCodec } from './codec.js';

registerType('tsdask.frame', frameCodec);
