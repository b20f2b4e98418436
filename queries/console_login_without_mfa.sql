-- id: console_login_without_mfa
-- title: Console sign-in without MFA
-- severity: MEDIUM
-- table: cloudtrail
-- tactics: TA0001
-- techniques: T1078.004
-- resource: resource
-- resource_type: AwsIamUser
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, actor, sourceipaddress, useragent, additionaleventdata
-- description: An IAM user or root signed in to the console with a password alone (Stratus
--   console-login-without-mfa). One finding per user per day. Benign look-alikes: federated
--   sign-ins (SAML, IAM Identity Center: AssumedRole), whose MFA is enforced by the identity
--   provider, and failed sign-ins are not reported.
--   Dedup: one finding per account, resource, actor per day.
-- remediation: Require MFA for the user (an IAM policy denying actions without
--   aws:MultiFactorAuthPresent) or move it to IAM Identity Center; confirm with the user that the
--   sign-in was theirs.
-- references: https://attack.mitre.org/techniques/T1078/004/
-- references: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa.html

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       useridentity.arn AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, additionaleventdata, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'signin.amazonaws.com'
  AND eventname = 'ConsoleLogin'
  AND useridentity.type IN ('IAMUser', 'Root')
  AND json_extract_scalar(responseelements, '$.ConsoleLogin') = 'Success'
  AND coalesce(json_extract_scalar(additionaleventdata, '$.MFAUsed'), 'No') <> 'Yes'
