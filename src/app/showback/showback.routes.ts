import { Routes } from '@angular/router';
import { ShowbackBudgetsComponent } from './showback-budgets.component';
import { ShowbackDashboardComponent } from './showback-dashboard.component';
import { ShowbackService } from './showback.service';
import { ShowbackRateCardComponent } from './showback-ratecard.component';
import { ShowbackSourcesComponent } from './showback-sources.component';

/** Under the plugin's route: `showback` (dashboard), `showback/sources`, `showback/ratecard` and `showback/budgets`; the feature's service lives on its route. */
export const SHOWBACK_ROUTES: Routes = [
  {
    path: '',
    providers: [ShowbackService],
    children: [
      { path: '', component: ShowbackDashboardComponent },
      { path: 'sources', component: ShowbackSourcesComponent },
      { path: 'ratecard', component: ShowbackRateCardComponent },
      { path: 'budgets', component: ShowbackBudgetsComponent },
    ],
  },
];
