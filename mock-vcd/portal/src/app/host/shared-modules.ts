import * as animations from '@angular/animations';
import * as cdkA11y from '@angular/cdk/a11y';
import * as cdkBidi from '@angular/cdk/bidi';
import * as cdkCoercion from '@angular/cdk/coercion';
import * as cdkCollections from '@angular/cdk/collections';
import * as cdkDragDrop from '@angular/cdk/drag-drop';
import * as cdkScrolling from '@angular/cdk/scrolling';
import * as common from '@angular/common';
import * as commonHttp from '@angular/common/http';
import * as core from '@angular/core';
import * as forms from '@angular/forms';
import * as platformBrowser from '@angular/platform-browser';
import * as platformBrowserAnimations from '@angular/platform-browser/animations';
import * as router from '@angular/router';
import * as cdsIcon from '@cds/core/icon';
import * as clarity from '@clr/angular';
import * as rxjs from 'rxjs';
import * as rxjsOperators from 'rxjs/operators';
import { vcdCommon } from './vcd-common';

/**
 * The modules the portal shares with plugin bundles, by the import name the bundle's AMD `define` asks for
 * (the plugin builder's externals: `@angular/*`, `@ngrx/*`, `@vcd/common`, `rxjs`, `rxjs/*`, `@clr/*`).
 * One Angular, one Clarity: the plugin gets the very instances the portal runs on.
 */
export const sharedModules: Readonly<Record<string, unknown>> = Object.freeze({
  '@angular/core': core,
  '@angular/common': common,
  '@angular/common/http': commonHttp,
  '@angular/router': router,
  '@angular/forms': forms,
  '@angular/platform-browser': platformBrowser,
  '@angular/platform-browser/animations': platformBrowserAnimations,
  '@angular/animations': animations,
  '@angular/cdk/a11y': cdkA11y,
  '@angular/cdk/bidi': cdkBidi,
  '@angular/cdk/coercion': cdkCoercion,
  '@angular/cdk/collections': cdkCollections,
  '@angular/cdk/drag-drop': cdkDragDrop,
  '@angular/cdk/scrolling': cdkScrolling,
  '@clr/angular': clarity,
  '@cds/core/icon': cdsIcon,
  rxjs,
  'rxjs/operators': rxjsOperators,
  '@vcd/common': vcdCommon,
  '@vcd-ui/common': vcdCommon,
});
