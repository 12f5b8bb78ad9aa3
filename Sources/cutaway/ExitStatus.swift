import ArgumentParser

/// cutaway's exit statuses, decided here and nowhere else.
///
/// - `0` (``success``): the command did what was asked. Also when not every process or
///   namespace could be read: what was missing is reported (`visibility` in JSON, a `note:`
///   in text), the way `lsns` and `findmnt` show what they can.
/// - `1` (``failure``): the command could not do it; the message on stderr says why and what to
///   do. A lesson whose check failed also ends with 1.
/// - `2` (``usage``): the command line is wrong (unknown option, missing argument, bad value);
///   the usage is printed.
enum ExitStatus: Int32 {
    case success = 0
    case failure = 1
    case usage = 2

    /// The status for an error that ended the command, and what to print for it.
    ///
    /// `--help` and `--version` arrive as errors from ArgumentParser and exit 0 with their text
    /// on stdout; ``CutawayFailure`` prints `cutaway: MESSAGE`; parsing and validation errors
    /// print ArgumentParser's usage message; any other error prints its description.
    static func of(_ error: any Error, command: any ParsableCommand.Type) -> (status: ExitStatus, stdout: String?, stderr: String?) {
        let code = command.exitCode(for: error)
        let message = command.fullMessage(for: error)
        if code == .success { return (.success, message, nil) }
        if let failure = error as? CutawayFailure { return (.failure, nil, "cutaway: \(failure.message)") }
        if let exit = error as? ExitCode { return (exit == .success ? .success : exit == .validationFailure ? .usage : .failure, nil, nil) }
        if code == .validationFailure || error is ValidationError || code.rawValue == 64 {
            return (.usage, nil, message)
        }
        return (.failure, nil, "cutaway: \(message.isEmpty ? "\(error)" : message)")
    }
}
