import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** A registry per service, with the process metrics labelled by service. */
export function createMetricsRegistry(service: string, options: { defaults?: boolean } = {}): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  if (options.defaults !== false) collectDefaultMetrics({ register: registry });
  return registry;
}

/** Records each HTTP request's duration by method, route pattern and status. */
export function httpMetrics(registry: Registry, service: string) {
  const existing = registry.getSingleMetric('http_request_duration_seconds');
  const histogram =
    (existing as Histogram<'method' | 'route' | 'status'> | undefined) ??
    new Histogram({
      name: 'http_request_duration_seconds',
      help: `HTTP request duration of the ${service} service`,
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    });
  return (method: string, route: string, status: number, seconds: number) => {
    histogram.observe({ method, route, status: String(status) }, seconds);
  };
}
