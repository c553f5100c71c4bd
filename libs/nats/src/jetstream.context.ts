import { BaseRpcContext } from '@nestjs/microservices';
import type { JsMsg } from '@nats-io/jetstream';
import type { MsgHdrs } from '@nats-io/transport-node';

type JetStreamContextArgs = [subject: string, msg: JsMsg];

/**
 * What a JetStream event handler gets with `@Ctx()`: the delivery behind the payload. The message is
 * acked by the transport once the handler returns; `getMessage().working()` extends the ack wait.
 */
export class JetStreamContext extends BaseRpcContext<JetStreamContextArgs> {
  /** The subject as the contract names it, without the namespace. */
  getSubject(): string {
    return this.args[0];
  }

  /** 1 on the first delivery, 2 on the first redelivery… */
  getDeliveries(): number {
    return this.args[1].info.deliveryCount;
  }

  getHeaders(): MsgHdrs | undefined {
    return this.args[1].headers;
  }

  /** The JetStream message itself (stream sequence, timestamps, `working()`). */
  getMessage(): JsMsg {
    return this.args[1];
  }
}
