/** One change deploy or undeploy plans: a line for the plan and the log, and the call that makes it. */
export interface Step {
  /** One line for the plan and the log. */
  describe: string;
  apply(): Promise<void>;
}
