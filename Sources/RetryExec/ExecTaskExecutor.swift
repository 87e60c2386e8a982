import NIOCore
import NIOPosix

/// The threads RetryScope's side of a real handler runs on: the Runtime API, the service
/// endpoints, the deadlines and the process watch.
///
/// Why not Swift's task pool: it has one thread per core (two on a small CI machine), and a
/// caller that keeps those threads busy (a parallel test run, a long synchronous search) would
/// hold up a handler's `next` poll or its DynamoDB call for as long, and a deadline timer would
/// fire late. These threads belong to RetryExec alone, so a handler's call is answered while the
/// rest of the program computes. Tasks opt in with `Task(executorPreference: .exec)`; default
/// actors (`RuntimeAPI`, `ProcessHost`) then run here too (SE-0417).
public final class ExecTaskExecutor: TaskExecutor {
  /// The one instance, with two threads: one serves while the other waits on a process or a lock.
  public static let shared = ExecTaskExecutor(threads: 2)

  private let group: MultiThreadedEventLoopGroup

  private init(threads: Int) {
    group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
  }

  public func enqueue(_ job: consuming ExecutorJob) {
    let job = UnownedJob(job)
    let executor = asUnownedTaskExecutor()
    group.any().execute { job.runSynchronously(on: executor) }
  }
}

extension TaskExecutor where Self == ExecTaskExecutor {
  /// `Task(executorPreference: .exec) { ... }`
  public static var exec: ExecTaskExecutor { .shared }
}
