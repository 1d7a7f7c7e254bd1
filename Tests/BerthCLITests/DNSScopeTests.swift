import BerthNetwork
import Testing

/// The policy the network daemon's DNS servers apply (`DNSScope`), without sockets: who may
/// see which addresses.
@Suite struct DNSScopeTests {
    let scope = DNSScope()
    let left = IPv4Address(10, 0, 1, 2)
    let right = IPv4Address(10, 0, 2, 2)
    let bothOnA = IPv4Address(10, 0, 1, 3)
    let bothOnB = IPv4Address(10, 0, 2, 3)

    init() {
        scope.replaceAll(
            records: [
                .init(names: ["left"], address: left, network: "a"),
                .init(names: ["right"], address: right, network: "b"),
                .init(names: ["both", "alias"], address: bothOnA, network: "a"),
                .init(names: ["both"], address: bothOnB, network: "b"),
            ],
            members: [left: ["a"], right: ["b"], bothOnA: ["a", "b"], bothOnB: ["a", "b"]])
    }

    @Test func aNameOnlyOnAnotherNetworkIsNotFound() {
        #expect(scope.addresses(for: "right", asker: left, network: "a") == nil)
        #expect(scope.addresses(for: "left", asker: right, network: "b") == nil)
    }

    @Test func aContainerOnTwoNetworksResolvesBothThroughOneServer() {
        #expect(scope.addresses(for: "left", asker: bothOnB, network: "b") == [left])
        #expect(scope.addresses(for: "right", asker: bothOnB, network: "b") == [right])
    }

    @Test func theAddressOnTheNetworkTheQueryCameInOnIsPreferred() {
        #expect(scope.addresses(for: "both", asker: left, network: "a") == [bothOnA])
        #expect(scope.addresses(for: "BOTH.", asker: right, network: "b") == [bothOnB])
        #expect(scope.addresses(for: "alias", asker: right, network: "b") == nil)
    }

    @Test func anUnknownAskerSeesOnlyTheArrivalNetwork() {
        #expect(scope.addresses(for: "left", asker: IPv4Address(10, 0, 1, 1), network: "a") == [left])
        #expect(scope.addresses(for: "right", asker: nil, network: "a") == nil)
    }
}
