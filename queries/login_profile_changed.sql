-- id: login_profile_changed
-- title: Console password created or changed for another IAM user
-- severity: MEDIUM
-- table: cloudtrail
-- tactics: TA0003, TA0004
-- techniques: T1098
-- resource: resource
-- resource_type: AwsIamUser
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: A principal gave another IAM user a console password (CreateLoginProfile) or reset
--   it (UpdateLoginProfile): a way to sign in as that user (Stratus iam-create-user-login-profile,
--   iam-update-user-login-profile). Only successful calls count. Benign look-alikes: users changing
--   their own password (ChangePassword, or UpdateLoginProfile on themselves) and infrastructure as
--   code are not reported; a helpdesk reset is, so check the ticket.
--   Dedup: one finding per account, resource, actor per day.
-- remediation: Confirm with the user; otherwise delete the login profile (delete-login-profile) and
--   review console sign-ins of the user.
-- references: https://attack.mitre.org/techniques/T1098/
-- references: https://stratus-red-team.cloud/attack-techniques/AWS/aws.privilege-escalation.iam-update-user-login-profile/

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       concat('arn:aws:iam::', recipientaccountid, ':user/', json_extract_scalar(requestparameters, '$.userName')) AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'iam.amazonaws.com'
  AND eventname IN ('CreateLoginProfile', 'UpdateLoginProfile')
  AND errorcode IS NULL
  AND coalesce(json_extract_scalar(requestparameters, '$.userName'), '') <> ''
  AND NOT (useridentity.type = 'IAMUser' AND json_extract_scalar(requestparameters, '$.userName') = coalesce(useridentity.username, ''))
  AND coalesce(useragent, '') NOT LIKE '%Terraform%' AND coalesce(useridentity.invokedby, '') <> 'cloudformation.amazonaws.com'
