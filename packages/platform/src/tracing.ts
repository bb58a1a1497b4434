import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  trace,
  type Attributes,
  type Tracer,
} from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

/** A span we started; `spanId` becomes the request context's span id. */
export interface TraceSpan {
  readonly spanId: string;
  end(attributes?: Attributes, error?: boolean): void;
}

export interface Tracing {
  startSpan(
    name: string,
    parent: { traceId: string; parentSpanId?: string; sampled: boolean },
    kind: 'server' | 'client' | 'consumer' | 'producer',
    attributes?: Attributes,
  ): TraceSpan;
  shutdown(): Promise<void>;
}

const kinds = {
  server: SpanKind.SERVER,
  client: SpanKind.CLIENT,
  consumer: SpanKind.CONSUMER,
  producer: SpanKind.PRODUCER,
} as const;

/**
 * OpenTelemetry tracing, exported over OTLP/HTTP only when OTEL_EXPORTER_OTLP_ENDPOINT is set.
 * Without it, trace ids are still made and propagated (traceparent on HTTP and events) so
 * logs correlate, but nothing is exported.
 */
export function initTracing(serviceName: string, endpoint: string | undefined): Tracing | undefined {
  if (!endpoint) return undefined;
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName }),
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ url: `${endpoint.replace(/\/$/, '')}/v1/traces` })),
    ],
  });
  const tracer: Tracer = provider.getTracer('meridian');
  return {
    startSpan(name, parent, kind, attributes) {
      const parentCtx = parent.parentSpanId
        ? trace.setSpanContext(ROOT_CONTEXT, {
            traceId: parent.traceId,
            spanId: parent.parentSpanId,
            traceFlags: parent.sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
            isRemote: true,
          })
        : ROOT_CONTEXT;
      const span = tracer.startSpan(name, { kind: kinds[kind], ...(attributes ? { attributes } : {}) }, parentCtx);
      return {
        spanId: span.spanContext().spanId,
        end(attrs, error) {
          if (attrs) span.setAttributes(attrs);
          if (error) span.setStatus({ code: SpanStatusCode.ERROR });
          span.end();
        },
      };
    },
    shutdown: () => provider.shutdown(),
  };
}
