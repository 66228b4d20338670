import {
  ClarityIcons,
  cloudIcon,
  homeIcon,
  logoutIcon,
  moonIcon,
  organizationIcon,
  pluginIcon,
  sunIcon,
  userIcon,
  vmBugIcon,
} from '@cds/core/icon';

export function registerPortalIcons(): void {
  ClarityIcons.addIcons(cloudIcon, homeIcon, logoutIcon, moonIcon, organizationIcon, pluginIcon, sunIcon, userIcon, vmBugIcon);
}
