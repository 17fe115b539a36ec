// The VS Code side of the clawpolicy language server: start `clawpolicy lsp` for .claw files.
// Everything else (diagnostics, hover, definitions, references, completion, formatting) is
// the server's; see docs/editors.md.
const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function activate() {
  const [command, ...args] = vscode.workspace.getConfiguration("clawpolicy").get("command");
  client = new LanguageClient(
    "clawpolicy",
    "clawpolicy",
    { command, args, transport: TransportKind.stdio },
    { documentSelector: [{ scheme: "file", language: "clawpolicy" }] },
  );
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
