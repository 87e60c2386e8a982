import RetryCore

/// Lambda's JSON log format (`LoggingConfig.LogFormat = JSON`, lambda-semantics.md §5.4): the
/// platform records of the telemetry schema and the runtime's application records.
extension LogRenderer {
  /// Lambda's JSON log format: platform records `{"time","type","record"}` and application
  /// records `{"timestamp","level","requestId","message"}`.
  mutating func renderJSON(
    _ line: LogLine, placement: ExecutionEnvironments.Placement, attempt: TraceAttempt, time: Milliseconds,
    into out: inout LogBuffer
  ) {
    switch line.kind {
    case .initStart:
      appendPlatformPrefix("platform.initStart", time: time, into: &out)
      out.append("{\"initializationType\":\"on-demand\",\"phase\":\"init\",\"runtimeVersion\":")
      out.append(jsonString: runtimeVersion)
      out.append(",\"runtimeVersionArn\":")
      out.append(jsonString: runtimeVersionArn)
      out.append("}}")
    case .start:
      appendPlatformPrefix("platform.start", time: time, into: &out)
      out.append("{\"requestId\":")
      out.append(jsonString: attempt.requestId)
      out.append(",\"version\":\"$LATEST\"}}")
    case .event:
      appendJSONApplicationPrefix(time: time, requestId: attempt.requestId, level: .info, into: &out)
      appendEventObject(attempt, into: &out)
      out.append(byte: UInt8(ascii: "}"))
    case .effect:
      appendJSONApplicationPrefix(time: time, requestId: attempt.requestId, level: .info, into: &out)
      let effect = trace.effects[line.effect]
      if effect.kind == .log {
        out.append(jsonString: effect.detail ?? "")
      } else {
        appendEffectObject(effect, index: line.effect, into: &out)
      }
      out.append(byte: UInt8(ascii: "}"))
    case .error:
      // The Node.js runtime's JSON error record: `console.error(err)` with the error as the
      // message, serialized as {errorType, errorMessage, stackTrace} (LogPatch.js).
      appendJSONApplicationPrefix(time: time, requestId: attempt.requestId, level: .error, into: &out)
      let type = attempt.errorType ?? "Error"
      let message = attempt.errorMessage ?? ""
      out.append("{\"errorType\":")
      out.append(jsonString: type)
      out.append(",\"errorMessage\":")
      out.append(jsonString: message)
      out.append(",\"stackTrace\":")
      appendStack(type: type, message: message, into: &out)
      out.append("}}")
    case .crash, .taskTimedOut:
      // Text logs only; the JSON format says it in `status` and `errorType`.
      break
    case .end:
      appendPlatformPrefix("platform.runtimeDone", time: time, into: &out)
      out.append("{\"requestId\":")
      out.append(jsonString: attempt.requestId)
      appendStatus(attempt, into: &out)
      out.append(",\"metrics\":{\"durationMs\":")
      out.append(shortHundredths: attempt.duration * 100)
      out.append("}}}")
    case .report:
      appendPlatformPrefix("platform.report", time: time, into: &out)
      out.append("{\"requestId\":")
      out.append(jsonString: attempt.requestId)
      out.append(",\"metrics\":{\"durationMs\":")
      out.append(shortHundredths: attempt.duration * 100)
      out.append(",\"billedDurationMs\":")
      out.append(decimal: Self.billedMilliseconds(attempt, placement))
      out.append(",\"memorySizeMB\":")
      out.append(decimal: Self.memorySizeMB)
      out.append(",\"maxMemoryUsedMB\":")
      out.append(decimal: placement.maxMemoryUsedMB)
      if placement.isColdStart {
        out.append(",\"initDurationMs\":")
        out.append(shortHundredths: placement.initHundredths)
      }
      out.append(byte: UInt8(ascii: "}"))
      appendStatus(attempt, into: &out)
      out.append("}}")
    }
  }

  /// `{"time":"<ts>","type":"<type>","record":` (the record follows).
  private mutating func appendPlatformPrefix(_ type: StaticString, time: Milliseconds, into out: inout LogBuffer) {
    out.append("{\"time\":\"")
    clock.appendISO(time, to: &out)
    out.append("\",\"type\":\"")
    out.append(type)
    out.append("\",\"record\":")
  }

  /// `{"timestamp":"<ts>","level":"INFO","requestId":"<id>","message":` (the message follows).
  private mutating func appendJSONApplicationPrefix(time: Milliseconds, requestId: String, level: Level, into out: inout LogBuffer) {
    out.append("{\"timestamp\":\"")
    clock.appendISO(time, to: &out)
    out.append(level == .info ? "\",\"level\":\"INFO\",\"requestId\":" : "\",\"level\":\"ERROR\",\"requestId\":")
    out.append(jsonString: requestId)
    out.append(",\"message\":")
  }

  /// `,"status":"success"`, or `"error"`/`"timeout"` followed by `,"errorType":"..."`.
  private func appendStatus(_ attempt: TraceAttempt, into out: inout LogBuffer) {
    switch attempt.outcome {
    case .success, .throttled, .running:
      out.append(",\"status\":\"success\"")
      return
    case .timeout:
      out.append(",\"status\":\"timeout\"")
    case .error, .crash:
      out.append(",\"status\":\"error\"")
    }
    out.append(",\"errorType\":")
    out.append(jsonString: attempt.errorType ?? (attempt.outcome == .crash ? "Runtime.ExitError" : "Error"))
  }
}
