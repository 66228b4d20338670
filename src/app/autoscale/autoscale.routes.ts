import { Routes } from '@angular/router';
import { AutoscaleService } from './autoscale.service';
import { RuleDetailComponent } from './rule-detail.component';
import { RulesPageComponent } from './rules-page.component';

/** Under the plugin's route: `autoscale` (rules and the New rule wizard) and `autoscale/{id}`; the feature's service lives on its route. */
export const AUTOSCALE_ROUTES: Routes = [
  {
    path: '',
    providers: [AutoscaleService],
    children: [
      { path: '', component: RulesPageComponent },
      { path: ':id', component: RuleDetailComponent },
    ],
  },
];
