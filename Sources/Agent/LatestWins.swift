import KubeAPI
import NodeFiles
import Synchronization

/// The hand-over to the reconcile loop. Only the newest delivery waits: each one is the whole
/// state of the ConfigMap, so a version the loop has not taken yet is simply replaced. A burst
/// of edits while a write is blocked then ends in one more write, not one per edit, and holds
/// one ConfigMap's data (secrets included), not the burst's. The node file's newest state (beside
/// Terway) and a request to retry a failed write wait beside it, each replaced the same way.
final class LatestWins: Sendable {
    enum Input: Sendable, Equatable {
        case delivery(WatchDelivery)
        case nodeFile(NodeFileState)
        case retryWrite
    }

    /// What a producer posts; the newest of each kind wins.
    enum News: Sendable {
        case delivery(WatchDelivery)
        case nodeFile(NodeFileState)
    }

    private struct Pending {
        var delivery: WatchDelivery?
        var nodeFile: NodeFileState?
        var retry = false
    }

    private let pending = Mutex(Pending())
    /// Rings when something is pending; holding one ring is enough, since a ring only means "look".
    private let (doorbell, ring) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))

    /// Replaces whatever of the same kind still waits.
    func post(_ news: News) {
        pending.withLock { pending in
            switch news {
            case .delivery(let delivery): pending.delivery = delivery
            case .nodeFile(let state): pending.nodeFile = state
            }
        }
        ring.yield()
    }

    func requestRetry() {
        pending.withLock { $0.retry = true }
        ring.yield()
    }

    /// Ends `inputs` once what is pending has been taken.
    func finish() {
        ring.finish()
    }

    /// What is pending: a delivery, then the node file, then a retry (either may make it moot).
    func take() -> Input? {
        pending.withLock { pending in
            if let delivery = pending.delivery {
                pending.delivery = nil
                return .delivery(delivery)
            }
            if let state = pending.nodeFile {
                pending.nodeFile = nil
                return .nodeFile(state)
            }
            if pending.retry {
                pending.retry = false
                return .retryWrite
            }
            return nil
        }
    }

    /// The inputs in the order to handle them; ends after `finish()`.
    var inputs: Inputs { Inputs(owner: self) }

    struct Inputs: AsyncSequence, Sendable {
        let owner: LatestWins

        func makeAsyncIterator() -> Iterator {
            Iterator(owner: owner, rings: owner.doorbell.makeAsyncIterator())
        }

        struct Iterator: AsyncIteratorProtocol {
            let owner: LatestWins
            var rings: AsyncStream<Void>.AsyncIterator

            mutating func next() async -> Input? {
                while true {
                    if let input = owner.take() { return input }
                    guard await rings.next() != nil else { return owner.take() }
                }
            }
        }
    }
}
