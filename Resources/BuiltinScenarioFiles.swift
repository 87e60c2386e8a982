/// The scenario files shipped inside the binary, by name (the file name without `.yaml`).
///
/// SwiftPM's `.embedInCode("scenarios")` turns each file in `scenarios/` into a byte array
/// `PackageResources.<file name with - and . as _>`. List every file here, in alphabetical order;
/// a test checks that each one loads.
public enum BuiltinScenarioFiles {
  public static let all: [(name: String, yaml: [UInt8])] = [
    ("async-duplicate-delivery", PackageResources.async_duplicate_delivery_yaml),
    ("async-interleave", PackageResources.async_interleave_yaml),
    ("async-retries-dlq", PackageResources.async_retries_dlq_yaml),
    ("client-state", PackageResources.client_state_yaml),
    ("client-token", PackageResources.client_token_yaml),
    ("condition-expression", PackageResources.condition_expression_yaml),
    ("create-user", PackageResources.create_user_yaml),
    ("cron-clock", PackageResources.cron_clock_yaml),
    ("echo", PackageResources.echo_yaml),
    ("kinesis-serialize", PackageResources.kinesis_serialize_yaml),
    ("newsletter-post", PackageResources.newsletter_post_yaml),
    ("no-system-time", PackageResources.no_system_time_yaml),
    ("slack-at-least-once", PackageResources.slack_at_least_once_yaml),
    ("slack-at-most-once", PackageResources.slack_at_most_once_yaml),
    ("sqs-redrive", PackageResources.sqs_redrive_yaml),
    ("sqs-redrive-partial", PackageResources.sqs_redrive_partial_yaml),
    ("sqs-throttled-dlq", PackageResources.sqs_throttled_dlq_yaml),
    ("sqs-visibility-duplicate", PackageResources.sqs_visibility_duplicate_yaml),
    ("square", PackageResources.square_yaml),
    ("status-client-time", PackageResources.status_client_time_yaml),
    ("status-kinesis", PackageResources.status_kinesis_yaml),
    ("status-kinesis-ordered", PackageResources.status_kinesis_ordered_yaml),
    ("status-previous-no", PackageResources.status_previous_no_yaml),
    ("status-server-time", PackageResources.status_server_time_yaml),
    ("sync-error", PackageResources.sync_error_yaml),
    ("sync-timeout-retry", PackageResources.sync_timeout_retry_yaml),
    ("user-exists", PackageResources.user_exists_yaml),
  ]
}
