-- id: iam_user_added_to_admin_group
-- title: IAM user added to an administrators group
-- severity: HIGH
-- table: cloudtrail
-- tactics: TA0004, TA0003
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
-- description: A user was added to a group whose name says admin, root, poweruser, superuser or
--   owner: the usual escalation path when AdministratorAccess is attached to a group rather than to
--   users. Only successful calls count. Dedup: one finding per account, resource, actor per day.
--   Benign look-alikes: additions to other groups (developers, readonly) are not reported;
--   onboarding of a new administrator is, so check the access request.
-- remediation: Check the access request; otherwise remove the user from the group (iam
--   remove-user-from-group) and review its activity.
-- references: https://attack.mitre.org/techniques/T1098/
-- references: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_groups_manage_add-remove-users.html

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       concat('arn:aws:iam::', recipientaccountid, ':user/', coalesce(json_extract_scalar(requestparameters, '$.userName'), 'unknown')) AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'iam.amazonaws.com'
  AND eventname = 'AddUserToGroup'
  AND regexp_like(lower(coalesce(json_extract_scalar(requestparameters, '$.groupName'), '')), 'admin|root|poweruser|superuser|owner')
  AND errorcode IS NULL
