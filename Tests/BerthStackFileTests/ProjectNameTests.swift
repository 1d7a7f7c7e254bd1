import BerthDiagnostics
import Testing

@testable import BerthStackFile

@Suite struct ProjectNameTests {
    @Test(
        "directory names are normalised like compose",
        arguments: [
            ("My_App.v2", "my_appv2"), ("--web", "web"), ("Hello World", "helloworld"), ("_x-Y", "x-y"),
            ("ok", "ok"), ("été", "t"), ("...", ""),
        ])
    func normalise(input: String, expected: String) {
        #expect(ProjectName.normalise(input) == expected)
    }

    @Test("the name comes from -p, else COMPOSE_PROJECT_NAME, else name:, else the directory")
    func precedence() throws {
        let f = try Fixture()
        defer { f.remove() }
        try f.write("My Project/compose.yaml", "name: ${NAME:-from-file}\nservices: {}\n")
        let dir = "My Project"
        #expect(try f.load(f.options(directory: dir, projectName: "cli")).projectName == "cli")
        #expect(
            try f.load(f.options(directory: dir, environment: ["COMPOSE_PROJECT_NAME": "env"])).projectName == "env")
        #expect(try f.load(f.options(directory: dir)).projectName == "from-file")
        try f.write("My Project/.env", "COMPOSE_PROJECT_NAME=dotenv\n")
        #expect(try f.load(f.options(directory: dir)).projectName == "dotenv")
        #expect(try f.load(f.options(directory: dir, projectName: "cli")).projectName == "cli")
        try f.write("My Project/.env", "")
        #expect(try f.load(f.options(directory: dir, environment: ["NAME": "interp"])).projectName == "interp")
        try f.write("My Project/compose.yaml", "services: {}\n")
        let stack = try f.load(f.options(directory: dir))
        #expect(stack.projectName == "myproject")
        #expect(stack.root.text("name") == "myproject")
    }

    @Test("an explicit name that is not already valid is an error with a hint")
    func invalidExplicit() throws {
        let f = try Fixture()
        defer { f.remove() }
        try f.write("compose.yaml", "name: My App\nservices: {}\n")
        let stack = Result { try StackLoader.load(f.options()) }
        guard case .failure(let error as DiagnosticsError) = stack else {
            Issue.record("expected an error")
            return
        }
        #expect(
            error.description
                == "compose.yaml:1:7: error: name: invalid project name 'My App' (from the top-level 'name'): it must contain only lowercase letters, digits, '_' and '-', and start with a letter or digit"
        )
        #expect(error.diagnostics.first?.hint == "use 'myapp' instead")
        #expect(f.failure(f.options(projectName: "-x"))?.contains("invalid project name '-x' (from -p)") == true)
    }
}
