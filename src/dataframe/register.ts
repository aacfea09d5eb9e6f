/** Partitions and danfo objects travel as binary frames (meta + one buffer per column), never as JSON. */
import { registerType } from '../core/serialize.js';
import { frameCodec } from './codec.js';
import { danfoCodec } from './danfo-codec.js';
import { DANFO_TYPE } from './danfo-detect.js';

registerType('tsdask.frame', frameCodec);
registerType(DANFO_TYPE, danfoCodec);
