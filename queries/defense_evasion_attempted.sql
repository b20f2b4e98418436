-- id: defense_evasion_attempted
-- title: Attempted to blind the defender (logging or detection change failed)
-- severity: MEDIUM
-- table: cloudtrail
-- tactics: TA0005
-- techniques: T1562.008, T1562.001
-- resource: resource
-- resource_type: Other
-- actor: actor
-- account: account
-- region: region
-- time: first_seen
-- last_seen: last_seen
-- count: attempts
-- sources: sources
-- dedup: account, actor, resource
-- window: 24h
-- evidence: actor, attempts, event_names, error_codes, first_seen, last_seen, source_ips, user_agents
-- description: A call that would stop or weaken logging or detection failed with an errorCode:
--   CloudTrail StopLogging, DeleteTrail, UpdateTrail, PutEventSelectors; DeleteFlowLogs; GuardDuty
--   DeleteDetector or disassociation; Security Hub DisableSecurityHub or standards disabled; Config
--   StopConfigurationRecorder and deletions; Resolver query logging, Macie, Access Analyzer,
--   Inspector, Detective, CloudWatch log-group and Bedrock invocation-logging deletion. The attempt
--   is itself a signal (as the community Sigma rules treat it): someone tried to go dark and lacked
--   the permission. The successful calls are reported by cloudtrail_stopped, guardduty_disabled,
--   securityhub_disabled, config_disabled, vpc_flow_logs_deleted and the other evasion hunts. Dedup:
--   one finding per account, actor and service per day, counting attempts. Benign look-alikes:
--   successful calls, read-only calls (GetTrailStatus, DescribeTrails) and failed calls that would
--   turn detection on (UpdateDetector enable true) are not counted; infrastructure-as-code runs that
--   fail on a missing resource (TrailNotFound) are, so check the error codes in the evidence.
-- remediation: Find out who holds the credentials of the actor and why it tried; review its other
--   calls (access_denied_burst), and rotate its credentials if the attempt is not explained.
-- references: https://attack.mitre.org/techniques/T1562/008/
-- references: https://github.com/SigmaHQ/sigma/blob/master/rules/cloud/aws/cloudtrail/aws_cloudtrail_disable_logging.yml

SELECT recipientaccountid AS account, awsregion AS region,
       coalesce(useridentity.arn, useridentity.principalid) AS actor,
       eventsource AS resource,
       count(*) AS attempts,
       array_agg(DISTINCT eventname) AS event_names,
       array_agg(DISTINCT errorcode) AS error_codes,
       array_agg(DISTINCT sourceipaddress) AS source_ips,
       array_agg(DISTINCT useragent) AS user_agents,
       min(eventtime) AS first_seen, max(eventtime) AS last_seen,
       array_agg(DISTINCT "$path") AS sources
FROM cloudtrail_logs
WHERE errorcode IS NOT NULL
  AND ((eventsource = 'cloudtrail.amazonaws.com' AND eventname IN ('StopLogging', 'DeleteTrail', 'UpdateTrail', 'PutEventSelectors', 'DeleteEventDataStore', 'StopEventDataStoreIngestion'))
    OR (eventsource = 'ec2.amazonaws.com' AND eventname IN ('DeleteFlowLogs', 'DisableEbsEncryptionByDefault'))
    OR (eventsource = 'guardduty.amazonaws.com' AND eventname = 'UpdateDetector' AND json_extract_scalar(requestparameters, '$.enable') = 'false')
    OR (eventsource = 'guardduty.amazonaws.com' AND eventname IN ('DeleteDetector', 'DisassociateFromMasterAccount', 'DisassociateFromAdministratorAccount', 'StopMonitoringMembers', 'DeleteMembers', 'DisassociateMembers', 'DeletePublishingDestination'))
    OR (eventsource = 'securityhub.amazonaws.com' AND eventname IN ('DisableSecurityHub', 'BatchDisableStandards', 'DisableImportFindingsForProduct', 'DisassociateFromMasterAccount', 'DisassociateFromAdministratorAccount'))
    OR (eventsource = 'config.amazonaws.com' AND eventname IN ('StopConfigurationRecorder', 'DeleteConfigurationRecorder', 'DeleteDeliveryChannel', 'DeleteConfigRule'))
    OR (eventsource = 'route53resolver.amazonaws.com' AND eventname IN ('DeleteResolverQueryLogConfig', 'DisassociateResolverQueryLogConfig'))
    OR (eventsource = 'macie2.amazonaws.com' AND (eventname = 'DisableMacie' OR (eventname = 'UpdateMacieSession' AND json_extract_scalar(requestparameters, '$.status') = 'PAUSED')))
    OR (eventsource = 'access-analyzer.amazonaws.com' AND eventname = 'DeleteAnalyzer')
    OR (eventsource = 'inspector2.amazonaws.com' AND eventname = 'Disable')
    OR (eventsource = 'detective.amazonaws.com' AND eventname = 'DeleteGraph')
    OR (eventsource = 'logs.amazonaws.com' AND eventname IN ('DeleteLogGroup', 'DeleteSubscriptionFilter'))
    OR (eventsource = 'bedrock.amazonaws.com' AND eventname = 'DeleteModelInvocationLoggingConfiguration'))
GROUP BY recipientaccountid, awsregion, coalesce(useridentity.arn, useridentity.principalid), eventsource
