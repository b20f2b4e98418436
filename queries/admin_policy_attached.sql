-- id: admin_policy_attached
-- title: Administrator policy attached to a user, group or role
-- severity: HIGH
-- table: cloudtrail
-- tactics: TA0004, TA0003
-- techniques: T1098.003
-- resource: resource
-- resource_type: Other
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: AdministratorAccess, IAMFullAccess or AWSOrganizationsFullAccess was attached, or an
--   inline policy granting "*" on "*" was put, on a user, group or role (Stratus
--   iam-create-admin-user, iam-create-backdoor-role). Only successful calls count. Infrastructure
--   as code is reported too: a new administrator is worth a look whoever made it. Benign
--   look-alike: read-only or scoped policies are not reported.
--   Dedup: one finding per account, resource, actor per day.
-- remediation: Confirm the grant is intended; otherwise detach the policy (detach-*-policy,
--   delete-*-policy) and review what the principal did with it.
-- references: https://attack.mitre.org/techniques/T1098/003/
-- references: https://stratus-red-team.cloud/attack-techniques/AWS/aws.persistence.iam-create-admin-user/

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       concat(coalesce(json_extract_scalar(requestparameters, '$.userName'), json_extract_scalar(requestparameters, '$.roleName'), json_extract_scalar(requestparameters, '$.groupName'), 'unknown'), ' <- ', coalesce(json_extract_scalar(requestparameters, '$.policyArn'), json_extract_scalar(requestparameters, '$.policyName'), 'inline')) AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'iam.amazonaws.com'
  AND errorcode IS NULL
  AND ((eventname IN ('AttachUserPolicy', 'AttachRolePolicy', 'AttachGroupPolicy')
        AND regexp_like(json_extract_scalar(requestparameters, '$.policyArn'), ':policy/(AdministratorAccess|IAMFullAccess|AWSOrganizationsFullAccess)$'))
    OR (eventname IN ('PutUserPolicy', 'PutRolePolicy', 'PutGroupPolicy')
        AND regexp_like(json_extract_scalar(requestparameters, '$.policyDocument'), '"Action"\s*:\s*(\[\s*)?"\*"')
        AND regexp_like(json_extract_scalar(requestparameters, '$.policyDocument'), '"Resource"\s*:\s*(\[\s*)?"\*"')))
