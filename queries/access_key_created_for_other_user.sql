-- id: access_key_created_for_other_user
-- title: Access key created for another IAM user
-- severity: MEDIUM
-- table: cloudtrail
-- tactics: TA0003
-- techniques: T1098.001
-- resource: resource
-- resource_type: AwsIamUser
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: A principal created an access key for an IAM user other than itself: a backdoor that
--   survives the attacker losing its first foothold (Stratus iam-backdoor-user,
--   iam-create-admin-user). Only successful calls count. Benign look-alikes: a user rotating its
--   own key (no userName, or its own) and Terraform/CloudFormation provisioning service users are
--   not reported.
--   Dedup: one finding per account, resource, actor per day.
-- remediation: Confirm with the user's owner; otherwise deactivate and delete the key
--   (update-access-key, delete-access-key) and review its use in CloudTrail by access key ID.
-- references: https://attack.mitre.org/techniques/T1098/001/
-- references: https://stratus-red-team.cloud/attack-techniques/AWS/aws.persistence.iam-backdoor-user/

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       concat('arn:aws:iam::', recipientaccountid, ':user/', json_extract_scalar(requestparameters, '$.userName')) AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'iam.amazonaws.com'
  AND eventname = 'CreateAccessKey'
  AND errorcode IS NULL
  AND coalesce(json_extract_scalar(requestparameters, '$.userName'), '') <> ''
  AND NOT (useridentity.type = 'IAMUser' AND json_extract_scalar(requestparameters, '$.userName') = coalesce(useridentity.username, ''))
  AND coalesce(useragent, '') NOT LIKE '%Terraform%' AND coalesce(useridentity.invokedby, '') <> 'cloudformation.amazonaws.com'
