/**
 * The gRPC side of the stand-in: tfplugin6 `Provider` and
 * `grpc.health.v1.Health` on a unix socket, plaintext, the way HashiCorp's
 * go-plugin reaches a provider Terraform was told to reattach to
 * (TF_REATTACH_PROVIDERS). go-plugin's optional services (stdio, broker,
 * controller) are left unimplemented; its client tolerates that.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { ProviderHandlers } from './rpc-handlers';

const PROTO_DIR = path.join(__dirname, 'proto');
const LOADER_OPTIONS: protoLoader.Options = { keepCase: true, longs: Number, enums: Number, defaults: true, oneofs: true };

type Msg = Record<string, unknown>;

/** RPC name -> handler; every one answers with diagnostics rather than a gRPC error. */
function providerService(h: ProviderHandlers): Record<string, (req: Msg) => Promise<Msg> | Msg> {
  return {
    GetMetadata: () => h.getMetadata(),
    GetProviderSchema: () => h.getProviderSchema(),
    ValidateProviderConfig: (r) => h.validateProviderConfig(r),
    ValidateResourceConfig: (r) => h.validateResourceConfig(r),
    ValidateDataResourceConfig: (r) => h.validateDataResourceConfig(r),
    UpgradeResourceState: (r) => h.upgradeResourceState(r),
    ConfigureProvider: (r) => h.configureProvider(r),
    ReadResource: (r) => h.readResource(r),
    PlanResourceChange: (r) => h.planResourceChange(r),
    ApplyResourceChange: (r) => h.applyResourceChange(r),
    ImportResourceState: (r) => h.importResourceState(r),
    MoveResourceState: (r) => h.moveResourceState(r),
    ReadDataSource: (r) => h.readDataSource(r),
    ValidateEphemeralResourceConfig: (r) => h.noEphemeral(r),
    OpenEphemeralResource: (r) => h.noEphemeral(r),
    RenewEphemeralResource: (r) => h.noEphemeral(r),
    CloseEphemeralResource: (r) => h.noEphemeral(r),
    GetFunctions: () => h.getFunctions(),
    CallFunction: (r) => h.callFunction(r),
    StopProvider: () => h.stopProvider(),
  };
}

export interface GrpcServerHandle {
  readonly socketPath: string;
  stop(): Promise<void>;
}

export async function serveOnSocket(handlers: ProviderHandlers, socketPath: string, onCall: (rpc: string) => void): Promise<GrpcServerHandle> {
  const pkg = grpc.loadPackageDefinition(protoLoader.loadSync(
    [path.join(PROTO_DIR, 'tfplugin6.8.proto'), path.join(PROTO_DIR, 'health.proto')], LOADER_OPTIONS,
  )) as unknown as {
    tfplugin6: { Provider: grpc.ServiceClientConstructor };
    grpc: { health: { v1: { Health: grpc.ServiceClientConstructor } } };
  };
  const server = new grpc.Server({ 'grpc.max_receive_message_length': -1, 'grpc.max_send_message_length': -1 });
  const impl: grpc.UntypedServiceImplementation = {};
  for (const [rpc, fn] of Object.entries(providerService(handlers))) {
    impl[rpc] = (call: grpc.ServerUnaryCall<Msg, Msg>, callback: grpc.sendUnaryData<Msg>) => {
      onCall(rpc);
      handlers.guard(() => fn(call.request)).then((res) => callback(null, res), (err: Error) => callback({ code: grpc.status.INTERNAL, details: err.message }));
    };
  }
  server.addService(pkg.tfplugin6.Provider.service, impl);
  server.addService(pkg.grpc.health.v1.Health.service, {
    // go-plugin's Ping asks for service "plugin"; every service is served here.
    Check: (_call: grpc.ServerUnaryCall<Msg, Msg>, cb: grpc.sendUnaryData<Msg>) => cb(null, { status: 1 }),
  });
  fs.rmSync(socketPath, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.bindAsync(`unix:${socketPath}`, grpc.ServerCredentials.createInsecure(), (err) => (err ? reject(err) : resolve()));
  });
  return {
    socketPath,
    stop: () => new Promise<void>((resolve) => {
      let finished = false;
      const done = (): void => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        fs.rmSync(socketPath, { force: true });
        resolve();
      };
      // A client still connected (a Terraform that has not exited) gets a moment, then the connection is cut.
      const timer = setTimeout(() => {
        server.forceShutdown();
        done();
      }, 1000);
      server.tryShutdown(() => done());
    }),
  };
}
