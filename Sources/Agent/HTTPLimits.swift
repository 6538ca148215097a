import NIOCore
import NIOHTTPTypes
import Synchronization

/// What one client may cost the agent's HTTP listener. The listener is on the node's address
/// (hostNetwork), so any pod can reach it; without limits one pod could hold every descriptor,
/// fail the kubelet's probes and get the agent restarted (which, in on-start mode, applies a
/// pending edit outside the rollout's `maxUnavailable`).
public struct HTTPLimits: Sendable {
    /// A request's header must be complete this long after the connection opened or after the
    /// previous response: the header-read timeout, and the idle timeout of a kept-alive
    /// connection (which is waiting for the next header). The decoder sees only whole headers,
    /// so one trickled a byte at a time is cut off by the same deadline.
    public var headerTimeout = Duration.seconds(5)
    /// The rest of a request (a body, which these GET endpoints never read) must follow this soon.
    public var bodyTimeout = Duration.seconds(5)
    /// A request carrying more body than this is cut off.
    public var maximumBodyBytes = 4 * 1024
    /// All header fields of a request together.
    public var maximumHeaderBytes = 16 * 1024
    /// Connections open at once from other hosts; more are closed as they arrive (never left
    /// waiting in the accept queue, where they would hold up everyone behind them).
    public var remoteConnections = 64
    /// Connections open at once from this host, counted apart. The kubelet probes a hostNetwork
    /// pod at the node's own address, so its connections come from that address: other hosts
    /// cannot use up these.
    public var sameHostConnections = 32

    public init() {}
}

/// The open connections, by where they come from.
final class ConnectionBudget: Sendable {
    enum Origin { case sameHost, remote }

    private let limits: HTTPLimits
    private let open = Mutex((sameHost: 0, remote: 0))

    init(limits: HTTPLimits) {
        self.limits = limits
    }

    /// Whether one more connection from `origin` may stay open; if so it counts until `release`.
    func admit(_ origin: Origin) -> Bool {
        open.withLock { open in
            switch origin {
            case .sameHost:
                guard open.sameHost < limits.sameHostConnections else { return false }
                open.sameHost += 1
            case .remote:
                guard open.remote < limits.remoteConnections else { return false }
                open.remote += 1
            }
            return true
        }
    }

    func release(_ origin: Origin) {
        open.withLock { open in
            switch origin {
            case .sameHost: open.sameHost -= 1
            case .remote: open.remote -= 1
            }
        }
    }

    /// A connection whose peer has the address it reached is from this host: the kernel picks a
    /// local destination's own address as the source.
    static func origin(local: SocketAddress?, remote: SocketAddress?) -> Origin {
        guard let local = local?.ipAddress, let remote = remote?.ipAddress, local == remote else { return .remote }
        return .sameHost
    }
}

/// Enforces `HTTPLimits` on one connection: admits it against the budget, closes it when a
/// header or body is late or a body too large.
final class RequestGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let limits: HTTPLimits
    private let budget: ConnectionBudget
    private var admitted: ConnectionBudget.Origin?
    private var refused = false
    private var deadline: Scheduled<Void>?
    private var bodyBytes = 0

    init(limits: HTTPLimits, budget: ConnectionBudget) {
        self.limits = limits
        self.budget = budget
    }

    /// Added to a channel that may already be active (the server sets up accepted channels
    /// before or after activation): the connection is admitted on whichever comes first.
    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { admit(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        admit(context: context)
        context.fireChannelActive()
    }

    private func admit(context: ChannelHandlerContext) {
        guard admitted == nil, !refused else { return }
        let origin = ConnectionBudget.origin(local: context.channel.localAddress, remote: context.channel.remoteAddress)
        guard budget.admit(origin) else {
            refused = true
            context.close(promise: nil)
            return
        }
        admitted = origin
        closeUnlessDone(within: limits.headerTimeout, context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelDeadline()
        if let admitted { budget.release(admitted) }
        admitted = nil
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelDeadline()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            bodyBytes = 0
            closeUnlessDone(within: limits.bodyTimeout, context: context)
        case .body(let buffer):
            bodyBytes += buffer.readableBytes
            guard bodyBytes <= limits.maximumBodyBytes else {
                context.close(promise: nil)
                return
            }
        case .end:
            // Answering is the server's part; the next deadline starts with the response's end.
            cancelDeadline()
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            closeUnlessDone(within: limits.headerTimeout, context: context)
        }
        context.write(data, promise: promise)
    }

    private func closeUnlessDone(within timeout: Duration, context: ChannelHandlerContext) {
        cancelDeadline()
        deadline = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(timeout)) {
            context.close(promise: nil)
        }
    }

    private func cancelDeadline() {
        deadline?.cancel()
        deadline = nil
    }
}

@available(*, unavailable)
extension RequestGuard: Sendable {}
