-- id: bedrock_invocation_logging_deleted
-- title: Bedrock model-invocation logging deleted
-- severity: MEDIUM
-- table: cloudtrail
-- tactics: TA0005
-- techniques: T1562.008
-- resource: resource
-- resource_type: Other
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: The Bedrock model-invocation logging configuration was deleted, so the prompts and
--   answers of models invoked with stolen credentials (LLMjacking) are no longer logged. Only
--   successful calls count. Dedup: one finding per account, resource, actor per day. Benign
--   look-alikes: putting or reading the logging configuration is not reported.
-- remediation: Put the logging configuration back (bedrock
--   put-model-invocation-logging-configuration) and review InvokeModel calls since.
-- references: https://attack.mitre.org/techniques/T1562/008/
-- references: https://docs.aws.amazon.com/bedrock/latest/userguide/model-invocation-logging.html

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       recipientaccountid AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'bedrock.amazonaws.com'
  AND eventname = 'DeleteModelInvocationLoggingConfiguration'
  AND errorcode IS NULL
