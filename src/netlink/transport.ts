/**
 * The seam between the request engine and whatever answers it: the kernel through a socket, a fake
 * kernel in a test, or a replayed capture. It moves whole datagrams and knows nothing of their content.
 */
export interface Transport {
  /** The port id (nl_pid) this endpoint is bound to; replies are addressed to it. */
  readonly portId: number;
  /** True once {@link Transport.close} has run. */
  readonly closed: boolean;
  /**
   * Set when the peer handles several messages per datagram and answers each one, as the kernel
   * does: the bytes of receive queue the replies to one datagram may fill (the socket's SO_RCVBUF).
   * The request engine then packs many requests into each datagram, as many as their replies have
   * room for. Unset, every request goes in a datagram of its own, one at a time.
   */
  readonly replyRoom?: number;
  /**
   * Sends one datagram holding one or more netlink messages. The kernel processes rtnetlink
   * requests inside this call, so their replies are queued when it returns.
   * @throws {@link SocketError} when the send fails.
   */
  send(datagram: Uint8Array): void;
  /**
   * Returns the next queued datagram, or `null` when none is queued right now. Never blocks.
   * The bytes are valid until the next call to `receive` (implementations may reuse one buffer).
   * @throws {@link SocketError} on a receive error, `ENOBUFS` after an overrun, or `EMSGSIZE` for a
   * datagram larger than the receive buffer (a truncated datagram is never returned).
   */
  receive(): Uint8Array | null;
  /**
   * Resolves `true` when a datagram can be received, `false` after `timeoutMs` or when `signal`
   * aborts or the transport closes. Never blocks the event loop.
   */
  wait(timeoutMs: number, signal?: AbortSignal): Promise<boolean>;
  /** Releases the endpoint (the socket's fd, any waiting thread). Idempotent. */
  close(): void;
}
