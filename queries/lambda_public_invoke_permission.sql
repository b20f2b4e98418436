-- id: lambda_public_invoke_permission
-- title: Lambda function opened to any principal
-- severity: HIGH
-- table: cloudtrail
-- tactics: TA0003
-- techniques: T1546, T1098
-- resource: resource
-- resource_type: AwsLambdaFunction
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: A resource-based policy statement now lets any principal ("*") invoke or manage a
--   function: a backdoor anyone can call (Stratus lambda-backdoor-function). Only successful calls
--   count. Benign look-alikes: permissions for a service principal (s3.amazonaws.com,
--   events.amazonaws.com) or limited by sourceArn, sourceAccount or principalOrgID are not reported. The statement
--   Lambda logs in responseElements is read with policy_external_principals when present (so a
--   public function URL, Principal * with only lambda:FunctionUrlAuthType NONE, is found); the
--   request parameters otherwise. Dedup: one finding per account, function and actor per day.
-- remediation: Remove the statement (remove-permission --statement-id from the evidence) and review
--   the function's invocations.
-- references: https://attack.mitre.org/techniques/T1546/
-- references: https://stratus-red-team.cloud/attack-techniques/AWS/aws.persistence.lambda-backdoor-function/

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(requestparameters, '$.functionName'), 'unknown') AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'lambda.amazonaws.com'
  AND eventname LIKE 'AddPermission%'
  AND errorcode IS NULL
  AND ((json_extract_scalar(responseelements, '$.statement') IS NOT NULL
        AND contains(policy_external_principals(concat('{"Statement":[', json_extract_scalar(responseelements, '$.statement'), ']}'), recipientaccountid), 'AWS:*'))
       OR (json_extract_scalar(responseelements, '$.statement') IS NULL
           AND json_extract_scalar(requestparameters, '$.principal') = '*'
           AND json_extract_scalar(requestparameters, '$.sourceArn') IS NULL
           AND json_extract_scalar(requestparameters, '$.principalOrgID') IS NULL
           AND json_extract_scalar(requestparameters, '$.sourceAccount') IS NULL))
