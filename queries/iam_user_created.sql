-- id: iam_user_created
-- title: IAM user created by hand
-- severity: LOW
-- table: cloudtrail
-- tactics: TA0003
-- techniques: T1136.003
-- resource: resource
-- resource_type: AwsIamUser
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: A new IAM user was created outside infrastructure as code: long-lived users are a
--   common persistence step (Stratus iam-create-admin-user). Only successful calls count. Benign
--   look-alike: Terraform and CloudFormation creating users are skipped; an administrator creating
--   one by hand is reported at LOW.
--   Dedup: one finding per account, resource, actor per day.
-- remediation: Check the user is expected; prefer IAM Identity Center and roles; delete unknown
--   users with their keys and login profile.
-- references: https://attack.mitre.org/techniques/T1136/003/
-- references: https://stratus-red-team.cloud/attack-techniques/AWS/aws.persistence.iam-create-admin-user/

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       concat('arn:aws:iam::', recipientaccountid, ':user/', coalesce(json_extract_scalar(requestparameters, '$.userName'), 'unknown')) AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'iam.amazonaws.com'
  AND eventname = 'CreateUser'
  AND errorcode IS NULL
  AND coalesce(useragent, '') NOT LIKE '%Terraform%' AND coalesce(useridentity.invokedby, '') <> 'cloudformation.amazonaws.com'
