-- id: config_disabled
-- title: AWS Config recorder stopped or deleted
-- severity: HIGH
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
-- description: AWS Config stopped recording resource changes, or its delivery channel, rules or
--   evaluation results were deleted, so configuration drift made next goes unseen. Only successful
--   calls count. Benign look-alike: infrastructure as code replacing a recorder (Terraform user
--   agent, CloudFormation) is skipped; StartConfigurationRecorder never counts.
--   Dedup: one finding per account, resource, actor per day.
-- remediation: Start the recorder again (start-configuration-recorder), restore the delivery
--   channel and rules, and review the changes made while recording was off.
-- references: https://attack.mitre.org/techniques/T1562/001/
-- references: https://docs.aws.amazon.com/config/latest/developerguide/stop-start-recorder.html

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(requestparameters, '$.configurationRecorderName'), json_extract_scalar(requestparameters, '$.deliveryChannelName'), json_extract_scalar(requestparameters, '$.configRuleName'), recipientaccountid) AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'config.amazonaws.com'
  AND eventname IN ('StopConfigurationRecorder', 'DeleteConfigurationRecorder', 'DeleteDeliveryChannel',
                    'DeleteConfigRule', 'DeleteConformancePack', 'DeleteEvaluationResults')
  AND errorcode IS NULL
  AND coalesce(useragent, '') NOT LIKE '%Terraform%' AND coalesce(useridentity.invokedby, '') <> 'cloudformation.amazonaws.com'
