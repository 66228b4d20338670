// The plugin builder rewrites this file to `export * from './app/plugin.module'` during `ng build plugin`
// and restores it afterwards; it must exist and stay in tsconfig.plugin.json.
export * from './app/plugin.module';
