// Karma for `ng test plugin`: Jasmine in Debian's Chromium, headless and without sandbox (containers, CI).
// The progress reporter ends with "Executed N of M (K FAILED)" (or "... SUCCESS"), which scripts/test.mjs parses.
process.env.CHROME_BIN = process.env.CHROME_BIN || '/usr/bin/chromium';

module.exports = function (config) {
  config.set({
    basePath: '',
    frameworks: ['jasmine', '@angular-devkit/build-angular'],
    plugins: [
      require('karma-jasmine'),
      require('karma-chrome-launcher'),
      require('@angular-devkit/build-angular/plugins/karma'),
    ],
    client: { jasmine: { random: true }, clearContext: false },
    reporters: ['progress'],
    browsers: ['ChromiumHeadlessNoSandbox'],
    customLaunchers: {
      ChromiumHeadlessNoSandbox: {
        base: 'ChromeHeadless',
        flags: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
      },
    },
    port: 0,
    colors: false,
    logLevel: config.LOG_INFO,
    autoWatch: false,
    singleRun: true,
    restartOnFileChange: false,
    // Hang guards, not speed checks: on a loaded 2-core machine the bundle's first run starves the browser's socket
    // pings and Karma's 2 s defaults dropped a browser that was working ("Disconnected ... ping timeout").
    browserNoActivityTimeout: 120000,
    captureTimeout: 120000,
    pingTimeout: 60000,
    browserDisconnectTimeout: 60000,
  });
};
