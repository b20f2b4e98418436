-- id: lambda_layer_added
-- title: Layer or extension added to a Lambda function
-- severity: MEDIUM
-- table: cloudtrail
-- tactics: TA0003
-- techniques: T1546
-- resource: resource
-- resource_type: AwsLambdaFunction
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: A function's configuration now names layers: an extension in a layer runs alongside
--   every invocation and sees its events and credentials (Stratus lambda-layer-extension). Only
--   successful calls count. Benign look-alikes: configuration updates without layers (memory,
--   timeout, environment) and infrastructure as code are not reported.
--   Dedup: one finding per account, resource, actor per day.
-- remediation: Check the layer ARNs in the evidence belong to you; remove unknown layers and review
--   the function role's activity.
-- references: https://attack.mitre.org/techniques/T1546/
-- references: https://stratus-red-team.cloud/attack-techniques/AWS/aws.persistence.lambda-layer-extension/

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(requestparameters, '$.functionName'), 'unknown') AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'lambda.amazonaws.com'
  AND eventname LIKE 'UpdateFunctionConfiguration%'
  AND errorcode IS NULL
  AND json_extract_scalar(requestparameters, '$.layers[0]') IS NOT NULL
  AND coalesce(useragent, '') NOT LIKE '%Terraform%' AND coalesce(useridentity.invokedby, '') <> 'cloudformation.amazonaws.com'
