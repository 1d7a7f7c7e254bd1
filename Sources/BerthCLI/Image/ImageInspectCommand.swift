import ArgumentParser
import BerthSession
import Foundation

struct ImageInspectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect", abstract: "Show an image's details as JSON.")

    @OptionGroup var rootOptions: RootOptions

    @Argument(help: ArgumentHelp("Image name, ID or digest.", valueName: "image"))
    var images: [String]

    struct Output: Encodable {
        struct Config: Encodable {
            var User: String?
            var Env: [String]
            var Entrypoint: [String]?
            var Cmd: [String]?
            var WorkingDir: String?
            var ExposedPorts: [String]
            var Volumes: [String]
            var Labels: [String: String]
            var StopSignal: String?
            var Healthcheck: Health?
        }

        struct Health: Encodable {
            var Test: [String]
            var IntervalSeconds: Double?
            var TimeoutSeconds: Double?
            var StartPeriodSeconds: Double?
            var Retries: Int?
        }

        var Id: String
        var RepoTags: [String]
        var ManifestDigest: String
        var Created: String?
        var Architecture: String
        var Os: String
        var Size: Int64
        var Config: Config
        var DiffIDs: [String]
        var LayerDirectories: [String]
    }

    func run() async throws {
        let store = rootOptions.host.images
        let summaries = try store.list()
        var outputs: [Output] = []
        for text in images {
            let image = try store.image(matching: text)
            let tags = summaries.filter { $0.manifestDigest == image.manifestDigest }.compactMap {
                $0.reference?.description
            }
            let config = image.config
            outputs.append(
                Output(
                    Id: image.id.description, RepoTags: tags.sorted(), ManifestDigest: image.manifestDigest.description,
                    Created: config.created, Architecture: config.architecture, Os: config.os, Size: image.size,
                    Config: .init(
                        User: config.user, Env: config.environment, Entrypoint: config.entrypoint, Cmd: config.command,
                        WorkingDir: config.workingDirectory, ExposedPorts: config.exposedPorts.map(\.description),
                        Volumes: config.volumes, Labels: config.labels, StopSignal: config.stopSignal,
                        Healthcheck: config.healthcheck.map(ImageInspectCommand.health)),
                    DiffIDs: config.diffIDs.map(\.description), LayerDirectories: image.layerDirectories))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(outputs), as: UTF8.self))
    }

    static func health(_ check: ImageHealthcheck) -> Output.Health {
        let test: [String]
        switch check.test {
        case .inherit: test = []
        case .disabled: test = ["NONE"]
        case .command(let words): test = ["CMD"] + words
        case .shell(let line): test = ["CMD-SHELL", line]
        }
        func seconds(_ duration: Duration?) -> Double? {
            duration.map { Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18 }
        }
        return Output.Health(
            Test: test, IntervalSeconds: seconds(check.interval), TimeoutSeconds: seconds(check.timeout),
            StartPeriodSeconds: seconds(check.startPeriod), Retries: check.retries)
    }
}
