// Types for real-services.mjs (plain JavaScript so that it runs without a build step).

export interface ServiceEnv {
  DATABASE_URL?: string;
  REDIS_URL?: string;
  AMQP_URL?: string;
}

export interface RealServices {
  /** Connection URLs of the services that were asked for. */
  env: ServiceEnv;
  /** This run's directory under .test-services/. */
  dir: string;
  /** Stops everything this run started and removes its directory. */
  stop(): Promise<void>;
  /** Stops RabbitMQ and starts it again on the same port and data (durable queues survive). */
  restartRabbit(): Promise<void>;
}

export function startRealServices(wanted?: {
  postgres?: boolean;
  redis?: boolean;
  rabbitmq?: boolean;
  log?: (line: string) => void;
}): Promise<RealServices>;
