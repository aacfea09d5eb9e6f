// Task functions exported from a module, so every scheduler ships them by module path.
exports.inc = function inc(x) {
  return x + 1;
};
exports.add = function add(x, y) {
  return x + y;
};
