-- id: bedrock_guardrail_removed
-- title: Bedrock guardrail deleted
-- severity: MEDIUM
-- table: cloudtrail
-- tactics: TA0005
-- techniques: T1562.001
-- resource: resource
-- resource_type: Other
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: A Bedrock guardrail (content filters, denied topics, PII masking applied to model
--   calls) was deleted: models invoked through it answer without the filters, as in LLMjacking where
--   stolen credentials run unrestricted prompts. Only successful calls count. Dedup: one finding per
--   account, resource, actor per day. Benign look-alikes: creating, versioning and reading
--   guardrails are not reported; replacing a guardrail during a release is, so check the change
--   records.
-- remediation: Recreate the guardrail from its last version and review InvokeModel calls since.
-- references: https://attack.mitre.org/techniques/T1562/001/
-- references: https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails.html

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(requestparameters, '$.guardrailIdentifier'), 'unknown') AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'bedrock.amazonaws.com'
  AND eventname = 'DeleteGuardrail'
  AND errorcode IS NULL
