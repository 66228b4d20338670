/*
 * A hand-written stand-in for a vCD plugin bundle: the AMD module shape @vcd/plugin-builders emits
 * (define("PluginModule", [externals...], factory) returning the module's exports), with Ivy definitions
 * written out as the Angular compiler would. It uses only what the portal host shares, so it proves the host:
 * one Angular (core, router, common/http), Clarity (clr-alert), the @vcd/common tokens and the token holder.
 */
define('PluginModule', ['@angular/core', '@angular/common/http', '@angular/router', '@clr/angular', '@vcd/common', 'rxjs'], function (
  core,
  http,
  router,
  clr,
  vcd,
  rxjs,
) {
  'use strict';

  class FixturePageComponent {
    constructor() {
      this.org = core.inject(vcd.SESSION_ORGANIZATION);
      this.orgId = core.inject(vcd.SESSION_ORG_ID);
      this.scope = core.inject(vcd.SESSION_SCOPE);
      this.route = core.inject(vcd.EXTENSION_ROUTE);
      this.assetUrl = core.inject(vcd.EXTENSION_ASSET_URL);
      this.apiRoot = core.inject(vcd.API_ROOT_URL);
      this.sdkMode = core.inject(vcd.SDK_MODE);
      this.user = core.signal('(asking vCD)');
      var holder = core.inject(vcd.AuthTokenHolderService);
      var headers = { Authorization: 'Bearer ' + holder.token, Accept: 'application/json;version=37.0' };
      var self = this;
      core
        .inject(http.HttpClient)
        .get(this.apiRoot + '/cloudapi/1.0.0/sessions/current', { headers: headers })
        .pipe(rxjs.map(function (s) { return s.user.name + '@' + s.org.name; }))
        .subscribe({
          next: function (name) { self.user.set(name); },
          error: function (e) { self.user.set('error ' + e.status); },
        });
    }
  }
  FixturePageComponent.ɵfac = function (t) {
    return new (t || FixturePageComponent)();
  };
  FixturePageComponent.ɵcmp = core.ɵɵdefineComponent({
    type: FixturePageComponent,
    selectors: [['fixture-page']],
    standalone: true,
    features: [core.ɵɵStandaloneFeature],
    decls: 16,
    vars: 6,
    consts: [
      ['clrAlertType', 'success', 'data-test', 'fixture-alert'],
      [1, 'alert-text'],
      ['data-test', 'fixture-title'],
      ['data-test', 'fixture-org'],
      ['data-test', 'fixture-user'],
      ['data-test', 'fixture-route'],
      ['data-test', 'fixture-asset-url'],
      ['data-test', 'fixture-org-id'],
    ],
    template: function (rf, ctx) {
      if (rf & 1) {
        core.ɵɵelementStart(0, 'clr-alert', 0);
        core.ɵɵelementStart(1, 'clr-alert-item');
        core.ɵɵelementStart(2, 'span', 1);
        core.ɵɵtext(3, 'The fixture plugin is running inside the portal.');
        core.ɵɵelementEnd();
        core.ɵɵelementEnd();
        core.ɵɵelementEnd();
        core.ɵɵelementStart(4, 'h2', 2);
        core.ɵɵtext(5, 'Fixture plugin');
        core.ɵɵelementEnd();
        core.ɵɵelementStart(6, 'p', 3);
        core.ɵɵtext(7);
        core.ɵɵelementEnd();
        core.ɵɵelementStart(8, 'p', 4);
        core.ɵɵtext(9);
        core.ɵɵelementEnd();
        core.ɵɵelementStart(10, 'p', 5);
        core.ɵɵtext(11);
        core.ɵɵelementEnd();
        core.ɵɵelementStart(12, 'p', 6);
        core.ɵɵtext(13);
        core.ɵɵelementEnd();
        core.ɵɵelementStart(14, 'p', 7);
        core.ɵɵtext(15);
        core.ɵɵelementEnd();
      }
      if (rf & 2) {
        core.ɵɵproperty('clrAlertClosable', false);
        core.ɵɵadvance(7);
        core.ɵɵtextInterpolate2('Organization: ', ctx.org, ' (', ctx.scope, ')');
        core.ɵɵadvance(2);
        core.ɵɵtextInterpolate1('User: ', ctx.user(), '');
        core.ɵɵadvance(2);
        core.ɵɵtextInterpolate1('Route: ', ctx.route, '');
        core.ɵɵadvance(2);
        core.ɵɵtextInterpolate1('Assets: ', ctx.assetUrl, '');
        core.ɵɵadvance(2);
        core.ɵɵtextInterpolate1('Org id: ', ctx.orgId, '');
      }
    },
    dependencies: [clr.ClrAlert, clr.ClrAlertItem],
    encapsulation: 2,
  });

  class FixturePluginModule {}
  FixturePluginModule.ɵfac = function (t) {
    return new (t || FixturePluginModule)();
  };
  FixturePluginModule.ɵmod = core.ɵɵdefineNgModule({ type: FixturePluginModule });
  FixturePluginModule.ɵinj = core.ɵɵdefineInjector({
    imports: [router.RouterModule.forChild([{ path: '', component: FixturePageComponent }])],
  });

  return { PluginModule: FixturePluginModule };
});
