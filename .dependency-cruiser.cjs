// The architecture in a page (issue 11; docs/architecture.md shows the layout and the data paths).
// `npm test` runs `depcruise -c .dependency-cruiser.cjs server mock-vcd contract src bin scripts bench e2e podman`
// and fails on any violation; `npx depcruise -c .dependency-cruiser.cjs server` checks one folder while you work.
//
//   contract/          request/response types and zod schemas both sides share; imports nothing of ours
//   src/               the vCD UI plugin (Angular); talks to the backend over HTTP only
//   server/main.ts     the composition root: calls one compose function per feature (server/compose/)
//   server/compose/    builds a feature's drivers, service and routers from the config; the only wiring
//   server/<feature>/  functions | showback | autoscale | provider: routes → service → ports ← drivers; features meet only
//                      through ports that server/compose/ connects (e.g. showback prices the functions usage reader)
//   server/http/       the shared HTTP edge (auth, tenancy, errors, limits); it is handed the feature routers
//   server/store|vcd|transport|config|errors   shared infrastructure any feature may use
//   src/app/<feature>/ functions | showback | autoscale | provider: a plugin feature imports core/ and shared/, never
//                      another feature; plugin.module.ts (the plugin's root) hands the tenant features to provider/
//   server/testing/, mock-vcd/testing/, src/testing/, *.test.ts, *.spec.ts   test code only
//   mock-vcd/          the stand-in for vCD (and vROps, billing); tests and scripts start it, production never
//   podman/, scripts/  command-line scripts; they may call product code, never the other way round

/** Test code: helper folders, test files, and the suites that consist of tests and their helpers only. */
const TEST = '(^|/)testing/|^src/test\\.ts$|\\.(test|spec)\\.ts$|^server/(faults|hardening)/|^e2e/|^bench/';
const FEATURES = '^server/(functions|showback|autoscale|provider)/';
const PLUGIN_FEATURES = '^src/app/(functions|showback|autoscale|provider)/';

module.exports = {
  forbidden: [
    {
      name: 'no-cycle',
      severity: 'error',
      comment: 'An import cycle: the modules can only be understood (and loaded) together. Move the shared part to its own module.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'feature-imports-feature',
      severity: 'error',
      comment: 'A feature imports another feature. Features meet through a port the one owns, wired in server/compose/.',
      from: { path: FEATURES, pathNot: TEST },
      to: { path: FEATURES, pathNot: '^server/$1/' },
    },
    {
      name: 'plugin-feature-imports-feature',
      severity: 'error',
      comment: 'A plugin feature imports another feature. Move what both use to src/app/shared/ (or core/ if cross-cutting); routes of several features meet in plugin.module.ts.',
      from: { path: PLUGIN_FEATURES, pathNot: TEST },
      to: { path: PLUGIN_FEATURES, pathNot: '^src/app/$1/' },
    },
    {
      name: 'plugin-shared-imports-feature',
      severity: 'error',
      comment: 'src/app/core/ and src/app/shared/ serve every feature, so they import none.',
      from: { path: '^src/app/(core|shared|shell)/' },
      to: { path: PLUGIN_FEATURES },
    },
    {
      name: 'http-imports-feature',
      severity: 'error',
      comment: 'server/http/ is shared by every feature; createApp is handed the routers, it does not import them.',
      from: { path: '^server/http/', pathNot: TEST },
      to: { path: FEATURES },
    },
    {
      name: 'only-the-root-composes',
      severity: 'error',
      comment: 'server/compose/ is the wiring; only server/main.ts (and test code) may call it.',
      from: { path: '^', pathNot: ['^server/main\\.ts$', '^server/compose/', TEST] },
      to: { path: '^server/compose/' },
    },
    {
      name: 'production-imports-test-code',
      severity: 'error',
      comment: 'Production code imports a test helper or test file. Test helpers live in server/testing/, mock-vcd/testing/ or src/testing/.',
      from: { path: '^(server|src|contract|bin)/', pathNot: TEST },
      to: { path: TEST },
    },
    {
      name: 'production-imports-mock',
      severity: 'error',
      comment: 'The backend, the plugin or the provider CLI imports the mock vCD; production talks to a real vCD.',
      from: { path: '^(server|src|contract|bin)/', pathNot: TEST },
      to: { path: '^mock-vcd/' },
    },
    {
      name: 'driver-imports-script',
      severity: 'error',
      comment: 'Product code imports a script (podman/, scripts/). Move the logic into the driver; the script may call it.',
      from: { path: '^(server|src|contract|bin/lib)/', pathNot: TEST },
      to: { path: '^(podman|scripts)/' },
    },
    {
      name: 'plugin-imports-server',
      severity: 'error',
      comment: 'src/ (the plugin, in the browser) imports server/. Share types and schemas through contract/.',
      from: { path: '^src/' },
      to: { path: '^server/' },
    },
    {
      name: 'server-imports-plugin',
      severity: 'error',
      comment: 'server/ imports src/ (the plugin). Share types and schemas through contract/.',
      from: { path: '^server/' },
      to: { path: '^src/' },
    },
    {
      name: 'contract-imports-a-side',
      severity: 'error',
      comment: 'contract/ is what both sides share; it must not depend on either.',
      from: { path: '^contract/' },
      to: { path: '^(server|src|mock-vcd|bin|scripts)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist|out-tsc|\\.angular)/' },
    // Type-only imports count: a cycle through types is still two files a reader must take together.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.mjs', '.cjs', '.js', '.json'] },
  },
};
