-- id: lambda_function_url_public
-- title: Lambda function URL without authentication
-- severity: HIGH
-- table: cloudtrail
-- tactics: TA0003, TA0001
-- techniques: T1546, T1190
-- resource: resource
-- resource_type: AwsLambdaFunction
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: A function URL with authType NONE was created or a URL switched to it: anyone on the
--   internet can invoke the function over HTTPS, a backdoor that needs no AWS credentials. Only
--   successful calls count. Dedup: one finding per account, resource, actor per day. Benign
--   look-alikes: URLs with AWS_IAM authentication are not reported; public webhooks served by a
--   Lambda on purpose are, so list them.
-- remediation: Delete the URL (lambda delete-function-url-config) or switch it to AWS_IAM, and
--   review the function's code and invocations.
-- references: https://attack.mitre.org/techniques/T1546/
-- references: https://attack.mitre.org/techniques/T1190/
-- references: https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(requestparameters, '$.functionName'), 'unknown') AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'lambda.amazonaws.com'
  AND eventname LIKE '%FunctionUrlConfig%'
  AND (eventname LIKE 'Create%' OR eventname LIKE 'Update%')
  AND json_extract_scalar(requestparameters, '$.authType') = 'NONE'
  AND errorcode IS NULL
