#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Writes everything it is given to a file descriptor (stdout, stderr), and remembers why it
/// stopped if it had to.
///
/// write(2) may take less than asked (a pipe) and may be interrupted; a descriptor left
/// non-blocking by the shell answers EAGAIN until the reader catches up. The first real failure
/// ends the output: a closed pipe (`| head -1`, EPIPE) is the reader saying it has seen enough,
/// anything else (a full disk, `>/dev/full`, ENOSPC) is an error the user must hear about.
final class DescriptorWriter {
  let descriptor: Int32
  /// The errno of the first failed write; 0 while all went well.
  private(set) var failure: Int32 = 0

  init(_ descriptor: Int32) { self.descriptor = descriptor }

  func send(_ chunk: UnsafeRawBufferPointer) {
    guard let base = chunk.baseAddress else { return }
    var offset = 0
    while failure == 0, offset < chunk.count {
      let written = write(descriptor, base + offset, chunk.count - offset)
      if written > 0 {
        offset += written
      } else if written < 0 && errno == EINTR {
        continue
      } else if written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
        var waiting = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
        _ = poll(&waiting, 1, -1)
      } else {
        failure = written < 0 ? errno : EIO
      }
    }
  }

  func send(_ text: String) {
    var text = text
    text.withUTF8 { send(UnsafeRawBufferPointer($0)) }
  }

  /// A failure the user must be told about: any but a closed pipe.
  var reportableFailure: Int32? {
    failure == 0 || failure == EPIPE ? nil : failure
  }
}
