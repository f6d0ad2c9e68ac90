// One SWC configuration for tests and builds. Decorator metadata must stay on: NestJS reads
// constructor parameter types from it to inject providers (esbuild alone cannot emit it).
const swcOptions = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};

module.exports = { swcOptions };
