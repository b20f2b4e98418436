-- id: bedrock_model_access_enabled
-- title: Bedrock model access enabled
-- severity: MEDIUM
-- table: cloudtrail
-- tactics: TA0040
-- techniques: T1496.004
-- resource: resource
-- resource_type: Other
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: Someone enabled access to a foundation model (accepted its agreement, filed the use
--   case, or created the entitlement): attackers with stolen keys do this to run models on your
--   bill ("LLMjacking", Stratus bedrock-invoke-model). Attempts count too. Benign look-alike:
--   invoking models an account already uses (InvokeModel alone) is not reported.
--   Dedup: one finding per account and actor per day, whatever the number of targets (one
--   detonation, one finding; the evidence lists the first targets).
-- remediation: Confirm a team asked for the model; otherwise remove model access, rotate the
--   credentials, and check Bedrock usage and invocation logs.
-- references: https://attack.mitre.org/techniques/T1496/
-- references: https://stratus-red-team.cloud/attack-techniques/AWS/aws.impact.bedrock-invoke-model/

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(requestparameters, '$.modelId'), recipientaccountid) AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'bedrock.amazonaws.com'
  AND eventname IN ('PutFoundationModelEntitlement', 'CreateFoundationModelAgreement', 'PutUseCaseForModelAccess')
