import BerthCLI

await BerthCommand.run()
