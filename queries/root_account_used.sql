-- id: root_account_used
-- title: Root user used
-- severity: HIGH
-- table: cloudtrail
-- tactics: TA0004, TA0001
-- techniques: T1078.004
-- resource: resource
-- resource_type: AwsIamUser
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: The root user signed in or called an API, from a program or through the console
--   (invokedBy signin.amazonaws.com, e.g. a root access key created in the console). Root bypasses
--   IAM policies and should be locked away. Dedup: one finding per account per day, whatever it
--   did. Benign look-alikes: AWS services acting with root's identity (invokedBy another service,
--   service events) are not counted; failed calls and failed sign-in steps (a ConsoleLogin,
--   PasswordUpdated or CheckMfa answered "Failure") are left to console_login_failures and
--   access_denied_burst. The few tasks that need root (closing the account, some billing
--   settings) still show up: confirm them with the account owner.
-- remediation: Confirm the owner did it. Otherwise rotate the root password, check its MFA device,
--   delete any root access keys, and review everything the session did.
-- references: https://attack.mitre.org/techniques/T1078/004/
-- references: https://docs.aws.amazon.com/IAM/latest/UserGuide/root-user-tasks.html

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       useridentity.arn AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE useridentity.type = 'Root'
  AND coalesce(useridentity.invokedby, 'signin.amazonaws.com') = 'signin.amazonaws.com'
  AND eventtype <> 'AwsServiceEvent'
  AND errorcode IS NULL
  AND NOT (eventsource = 'signin.amazonaws.com' AND regexp_like(coalesce(responseelements, ''), ':\s*"Failure"'))
