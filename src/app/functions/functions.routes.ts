import { Routes } from '@angular/router';
import { FunctionDetailComponent } from './function-detail.component';
import { FunctionEditorComponent } from './function-editor.component';
import { FunctionsPageComponent } from './functions-page.component';
import { FunctionsService } from './functions.service';

/** Under the plugin's route: `functions`, `functions/new`, `functions/{name}`; the feature's service lives on its route. */
export const FUNCTIONS_ROUTES: Routes = [
  {
    path: '',
    providers: [FunctionsService],
    children: [
      { path: '', component: FunctionsPageComponent },
      { path: 'new', component: FunctionEditorComponent },
      { path: ':name', component: FunctionDetailComponent },
    ],
  },
];
