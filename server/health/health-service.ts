import { Code, ConnectError, type ConnectRouter, type HandlerContext } from "@connectrpc/connect";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { Health, HealthCheckResponse_ServingStatus as Status } from "../../gen/health/v1/health_pb.js";
import type { HealthCheckRequest, HealthCheckResponseSchema } from "../../gen/health/v1/health_pb.js";
import type { Drain } from "../drain.js";

type CheckResponse = MessageInitShape<typeof HealthCheckResponseSchema>;

/** Services whose health is reported; "" is the server as a whole. */
export const healthServices = ["", "devtrace.v1.TraceService"];

/**
 * grpc.health.v1.Health, open to everyone: SERVING until shutdown begins, NOT_SERVING
 * from then on, so load balancers stop sending new work before the port closes.
 */
export function registerHealthService(router: ConnectRouter, drain: Drain): void {
  const status = () => (drain.draining ? Status.NOT_SERVING : Status.SERVING);
  const known = (service: string) => {
    if (!healthServices.includes(service)) throw new ConnectError(`unknown service "${service}"`, Code.NotFound);
  };
  router.service(Health, {
    check(req: HealthCheckRequest): CheckResponse {
      known(req.service);
      return { status: status() };
    },
    async *watch(req: HealthCheckRequest, ctx: HandlerContext): AsyncGenerator<CheckResponse> {
      if (!healthServices.includes(req.service)) {
        yield { status: Status.SERVICE_UNKNOWN };
        return;
      }
      const first = status();
      yield { status: first };
      if (first === Status.NOT_SERVING) return;
      await new Promise<void>((resolve) => {
        const stop = AbortSignal.any([ctx.signal, drain.signal]);
        if (stop.aborted) resolve();
        else stop.addEventListener("abort", () => resolve(), { once: true });
      });
      if (!ctx.signal.aborted) yield { status: Status.NOT_SERVING };
    },
    list() {
      return { statuses: Object.fromEntries(healthServices.map((s) => [s, { status: status() }])) };
    },
  });
}
