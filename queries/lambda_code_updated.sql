-- id: lambda_code_updated
-- title: Lambda function code replaced by hand
-- severity: LOW
-- table: cloudtrail
-- tactics: TA0003, TA0002
-- techniques: T1648, T1525
-- resource: resource
-- resource_type: AwsLambdaFunction
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: A function's code was replaced outside infrastructure as code: a way to run attacker
--   code with the function's role (Stratus lambda-overwrite-code). Only successful calls count.
--   Benign look-alikes: deployments through CloudFormation (SAM, CDK) and Terraform are skipped; CI
--   pipelines calling the API directly are reported at LOW, so exclude their deploy role in a copy
--   of the hunt.
--   Dedup: one finding per account, resource, actor per day.
-- remediation: Compare the code hash (codeSha256) with your release, roll back to a known version,
--   and review the function role's activity.
-- references: https://attack.mitre.org/techniques/T1648/
-- references: https://stratus-red-team.cloud/attack-techniques/AWS/aws.persistence.lambda-overwrite-code/

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(requestparameters, '$.functionName'), json_extract_scalar(requestparameters, '$.fullyQualifiedArn.functionName'), 'unknown') AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'lambda.amazonaws.com'
  AND eventname LIKE 'UpdateFunctionCode%'
  AND errorcode IS NULL
  AND coalesce(useragent, '') NOT LIKE '%Terraform%' AND coalesce(useridentity.invokedby, '') <> 'cloudformation.amazonaws.com'
