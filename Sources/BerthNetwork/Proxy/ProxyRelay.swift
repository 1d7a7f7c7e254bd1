import BerthSystem

/// The listener, stop notifier and event-loop thread that every published-port proxy owns.
/// TCP and UDP differ only in how the socket is prepared and which loop runs; keeping the
/// open/close-on-failure and stop ordering in one place means the two cannot drift apart.
struct ProxyRelay: Sendable {
    let address: SocketAddressV4
    private let listener: Socket
    private let notifier: EventNotifier
    private let thread: JoinableThread

    /// Opens a non-blocking `kind` socket, lets `configure` bind it, then starts the loop that
    /// `makeLoop` builds around the listener and a fresh stop notifier. A bind failure becomes
    /// `PortUnavailableError`; any failure closes the listener before it is thrown.
    init(
        _ kind: Socket.Kind, listenOn listenAddress: SocketAddressV4,
        configure: (Socket) throws(SystemCallError) -> Void,
        makeLoop: (Socket, EventNotifier) throws -> @Sendable () -> Void
    ) throws {
        let listener = try PortUnavailableError.wrap(listenAddress, kind) { () throws(SystemCallError) -> Socket in
            let socket = try Socket.open(kind, nonBlocking: true)
            do throws(SystemCallError) {
                try configure(socket)
            } catch {
                socket.close()
                throw error
            }
            return socket
        }
        do {
            address = try listener.localAddress()
            notifier = try EventNotifier()
            thread = try JoinableThread(try makeLoop(listener, notifier))
        } catch {
            listener.close()
            throw error
        }
        self.listener = listener
    }

    /// Wakes the loop, waits for it to finish, then releases the listener and notifier.
    func stop() {
        notifier.signal()
        thread.join()
        listener.close()
        notifier.close()
    }
}
