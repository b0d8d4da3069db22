import HTTPTypes
import NIOCore
import NIOHTTPTypes
import ShenguanCore

/// Bounds the time a client may take to send one request (PROTOCOL.md §7.4).
///
/// Hummingbird's idle timeout already closes a connection on which nothing
/// arrives (a client that never finishes its headers); a client that trickles
/// its body a few bytes at a time never looks idle. This handler starts a
/// deadline when a request head arrives and, if the request's end has not
/// arrived when it passes, answers 408 with problem details
/// (`sync.request_timeout`) and closes the connection. Other connections are
/// not affected.
final class RequestDeadlineHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundOut = HTTPResponsePart

    private let limit: TimeAmount
    private var timer: Scheduled<Void>?

    init(limit: TimeAmount) { self.limit = limit }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            timer?.cancel()
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            timer = context.eventLoop.scheduleTask(in: limit) {
                let (handler, context) = bound.value
                handler.expire(context: context)
            }
        case .end:
            timer?.cancel(); timer = nil
        case .body:
            break
        }
        context.fireChannelRead(data)
    }

    private func expire(context: ChannelHandlerContext) {
        timer = nil
        let seconds = limit.nanoseconds / 1_000_000_000
        let problem = SyncProblem(408, "sync.request_timeout",
                                  "The request was not complete within \(seconds) s; send it again, or on a faster link send fewer operations per request.")
        let body = (try? CanonicalJSON.encode(problem.json)) ?? []
        var head = HTTPResponse(status: .init(code: 408))
        head.headerFields[.contentType] = "application/problem+json"
        head.headerFields[.contentLength] = String(body.count)
        head.headerFields[.connection] = "close"
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(context.channel.allocator.buffer(bytes: body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in context.close(promise: nil) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel(); timer = nil
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel(); timer = nil
    }
}
