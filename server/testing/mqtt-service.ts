import { EXTENSION_URL_PATTERNS, loginAsProvider } from '../../bin/lib/vcd-provider';
import { addServiceFilter, createExternalService, createServiceToken, type ExternalServiceSpec } from '../../bin/lib/vcd-external-services';

/** The backend's default external service (VCD_EXTENSION_SERVICE). */
export const MQTT_SERVICE: ExternalServiceSpec = { vendor: 'vcd-serverless', name: 'serverless', version: '1.0.0' };

/**
 * What a provider's deploy does for the MQTT transport, in one call for tests, the stack and the bench: the external
 * service with the product's URL patterns as API filters, and an EXTENSION token for the backend.
 */
export async function registerMqttService(vcdUrl: string, spec: ExternalServiceSpec = MQTT_SERVICE): Promise<{ tokenId: string; token: string }> {
  const session = await loginAsProvider({ vcdUrl, user: 'administrator@System', password: 'provider-demo' });
  const service = await createExternalService(session, spec);
  for (const pattern of EXTENSION_URL_PATTERNS) await addServiceFilter(session, service, pattern);
  const { id, token } = await createServiceToken(session, spec);
  return { tokenId: id, token };
}
