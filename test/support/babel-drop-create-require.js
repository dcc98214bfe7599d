/**
 * ESM code often defines `const require = createRequire(import.meta.url)`. Compiled to CommonJS
 * that binding shadows the module's own `require` (and is used before it is initialised), so
 * this Babel plugin removes it: CommonJS code already has a `require` of its own.
 */
module.exports = function dropCreateRequire() {
  return {
    visitor: {
      VariableDeclarator(path) {
        const { id, init } = path.node;
        const definesRequire = id.type === 'Identifier' && id.name === 'require';
        const fromCreateRequire =
          init && init.type === 'CallExpression' && init.callee.name === 'createRequire';
        if (definesRequire && fromCreateRequire) path.remove();
      },
    },
  };
};
