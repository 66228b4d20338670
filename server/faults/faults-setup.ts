import { startPrivatePostgres, startPrivateRabbit } from './services';

/**
 * vitest globalSetup of the fault suite: one private PostgreSQL and one private RabbitMQ node for all its files
 * (they run one at a time), handed to the test processes by environment; the shared services are never touched.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const [pgStarted, rabbitStarted] = await Promise.allSettled([startPrivatePostgres(), startPrivateRabbit()]);
  if (pgStarted.status === 'rejected' || rabbitStarted.status === 'rejected') {
    // The one that did start must not outlive the failed setup.
    if (pgStarted.status === 'fulfilled') await pgStarted.value.destroy();
    if (rabbitStarted.status === 'fulfilled') await rabbitStarted.value.destroy();
    throw pgStarted.status === 'rejected' ? pgStarted.reason : (rabbitStarted as PromiseRejectedResult).reason;
  }
  const [pg, rabbit] = [pgStarted.value, rabbitStarted.value];
  Object.assign(process.env, {
    TEST_DATABASE_URL: pg.url,
    FAULTS_PG_DIR: pg.dir,
    FAULTS_PG_PORT: String(pg.port),
    TEST_AMQP_URL: rabbit.url,
    FAULTS_RABBIT_DIR: rabbit.dir,
    FAULTS_RABBIT_NODE: rabbit.node,
    FAULTS_RABBIT_PORT: String(rabbit.port),
    FAULTS_RABBIT_DIST_PORT: String(rabbit.distPort),
  });
  return async () => {
    await Promise.all([pg.destroy(), rabbit.destroy()]);
  };
}
