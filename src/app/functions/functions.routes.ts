import { Routes } from '@angular/router';
import { FunctionDetailComponent } from './function-detail.component';
import { FunctionEditorComponent } from './function-editor.component';
import { FunctionsPageComponent } from './functions-page.component';

/** Under the plugin's route: `functions`, `functions/new`, `functions/{name}`. */
export const FUNCTIONS_ROUTES: Routes = [
  { path: '', component: FunctionsPageComponent },
  { path: 'new', component: FunctionEditorComponent },
  { path: ':name', component: FunctionDetailComponent },
];
