import '@adonisjs/core/types/http'

type ParamValue = string | number | bigint | boolean

export type ScannedRoutes = {
  ALL: {
    'health.live': { paramsTuple?: []; params?: {} }
    'health.ready': { paramsTuple?: []; params?: {} }
    'sign_in': { paramsTuple?: []; params?: {} }
    'sign_in.store': { paramsTuple?: []; params?: {} }
    'invitations.show': { paramsTuple: [ParamValue]; params: {'token': ParamValue} }
    'invitations.accept': { paramsTuple: [ParamValue]; params: {'token': ParamValue} }
    'sign_up': { paramsTuple?: []; params?: {} }
    'sign_up.store': { paramsTuple?: []; params?: {} }
    'sign_up.edit': { paramsTuple: [ParamValue]; params: {'token': ParamValue} }
    'sign_up.update': { paramsTuple: [ParamValue]; params: {'token': ParamValue} }
    'password.forgot': { paramsTuple?: []; params?: {} }
    'password.send_link': { paramsTuple?: []; params?: {} }
    'password.reset': { paramsTuple: [ParamValue]; params: {'token': ParamValue} }
    'password.update': { paramsTuple: [ParamValue]; params: {'token': ParamValue} }
    'mfa.challenge': { paramsTuple?: []; params?: {} }
    'mfa.verify': { paramsTuple?: []; params?: {} }
    'mfa.setup': { paramsTuple?: []; params?: {} }
    'mfa.confirm': { paramsTuple?: []; params?: {} }
    'passkeys.sign_in_options': { paramsTuple?: []; params?: {} }
    'passkeys.sign_in': { paramsTuple?: []; params?: {} }
    'sign_out': { paramsTuple?: []; params?: {} }
    'home': { paramsTuple?: []; params?: {} }
    'organizations.index': { paramsTuple?: []; params?: {} }
    'organizations.switch': { paramsTuple?: []; params?: {} }
    'organizations.show': { paramsTuple: [ParamValue]; params: {'organization': ParamValue} }
    'reauthenticate': { paramsTuple?: []; params?: {} }
    'reauthenticate.store': { paramsTuple?: []; params?: {} }
    'recovery_codes.show': { paramsTuple?: []; params?: {} }
    'recovery_codes.download': { paramsTuple?: []; params?: {} }
    'recovery_codes.saved': { paramsTuple?: []; params?: {} }
    'settings.security': { paramsTuple?: []; params?: {} }
    'settings.sessions': { paramsTuple?: []; params?: {} }
    'settings.sessions.revoke_others': { paramsTuple?: []; params?: {} }
    'settings.sessions.revoke': { paramsTuple: [ParamValue]; params: {'session': ParamValue} }
    'settings.tokens': { paramsTuple?: []; params?: {} }
    'settings.marketing_consent': { paramsTuple?: []; params?: {} }
    'settings.tokens.revoke': { paramsTuple: [ParamValue]; params: {'token': ParamValue} }
    'settings.members': { paramsTuple?: []; params?: {} }
    'settings.members.invite': { paramsTuple?: []; params?: {} }
    'settings.members.revoke_invite': { paramsTuple: [ParamValue]; params: {'invite': ParamValue} }
    'settings.members.role': { paramsTuple: [ParamValue]; params: {'membership': ParamValue} }
    'settings.members.remove': { paramsTuple: [ParamValue]; params: {'membership': ParamValue} }
    'settings.audit': { paramsTuple?: []; params?: {} }
    'settings.organization': { paramsTuple?: []; params?: {} }
    'settings.ai_code_policy': { paramsTuple?: []; params?: {} }
    'settings.ai_code_policy.update': { paramsTuple?: []; params?: {} }
    'settings.password': { paramsTuple?: []; params?: {} }
    'settings.profile': { paramsTuple?: []; params?: {} }
    'settings.recovery_codes': { paramsTuple?: []; params?: {} }
    'settings.tokens.store': { paramsTuple?: []; params?: {} }
    'settings.organization.update': { paramsTuple?: []; params?: {} }
    'passkeys.options': { paramsTuple?: []; params?: {} }
    'passkeys.register': { paramsTuple?: []; params?: {} }
    'passkeys.remove': { paramsTuple: [ParamValue]; params: {'factor': ParamValue} }
    'admin.home': { paramsTuple?: []; params?: {} }
    'admin.users': { paramsTuple?: []; params?: {} }
    'admin.users.lock': { paramsTuple: [ParamValue]; params: {'user': ParamValue} }
    'admin.users.unlock': { paramsTuple: [ParamValue]; params: {'user': ParamValue} }
    'admin.users.reset_mfa': { paramsTuple: [ParamValue]; params: {'user': ParamValue} }
    'admin.users.delete': { paramsTuple: [ParamValue]; params: {'user': ParamValue} }
    'admin.organizations': { paramsTuple?: []; params?: {} }
    'admin.audit': { paramsTuple?: []; params?: {} }
    'admin.organizations.delete_data.confirm': { paramsTuple: [ParamValue]; params: {'organization': ParamValue} }
    'admin.organizations.delete_data': { paramsTuple: [ParamValue]; params: {'organization': ParamValue} }
    'admin.organizations.delete.confirm': { paramsTuple: [ParamValue]; params: {'organization': ParamValue} }
    'admin.organizations.delete': { paramsTuple: [ParamValue]; params: {'organization': ParamValue} }
    'admin.users.erase.confirm': { paramsTuple: [ParamValue]; params: {'user': ParamValue} }
    'admin.users.erase': { paramsTuple: [ParamValue]; params: {'user': ParamValue} }
    'api.me': { paramsTuple?: []; params?: {} }
    'settings.connections': { paramsTuple?: []; params?: {} }
    'settings.connections.show': { paramsTuple: [ParamValue]; params: {'connection': ParamValue} }
    'settings.connections.status': { paramsTuple: [ParamValue]; params: {'connection': ParamValue} }
    'settings.connections.test': { paramsTuple: [ParamValue]; params: {'connection': ParamValue} }
    'settings.connections.sync': { paramsTuple: [ParamValue]; params: {'connection': ParamValue} }
    'integrations.oauth.callback': { paramsTuple?: []; params?: {} }
    'integrations.oauth.callback.legacy._settings_connect_bitbucket_': { paramsTuple?: []; params?: {} }
    'integrations.oauth.callback.legacy._compass_api_v1_integrations_connect_jira_redirect_': { paramsTuple?: []; params?: {} }
    'integrations.oauth.accounts': { paramsTuple: [ParamValue]; params: {'choice': ParamValue} }
    'settings.connections.connect': { paramsTuple: [ParamValue]; params: {'plugin': ParamValue} }
    'settings.connections.disconnect': { paramsTuple: [ParamValue]; params: {'connection': ParamValue} }
    'settings.connections.hooks.retry': { paramsTuple: [ParamValue,ParamValue]; params: {'connection': ParamValue,'hook': ParamValue} }
    'settings.connections.webhook_url.rotate': { paramsTuple: [ParamValue]; params: {'connection': ParamValue} }
    'integrations.oauth.start': { paramsTuple: [ParamValue]; params: {'plugin': ParamValue} }
    'integrations.oauth.accounts.store': { paramsTuple: [ParamValue]; params: {'choice': ParamValue} }
    'webhooks.receive': { paramsTuple: [ParamValue]; params: {'plugin': ParamValue} }
    'webhooks.receive.connection': { paramsTuple: [ParamValue,ParamValue,ParamValue]; params: {'plugin': ParamValue,'connection': ParamValue,'token': ParamValue} }
    'webhooks.handshake': { paramsTuple: [ParamValue]; params: {'plugin': ParamValue} }
    'webhooks.handshake.connection': { paramsTuple: [ParamValue,ParamValue,ParamValue]; params: {'plugin': ParamValue,'connection': ParamValue,'token': ParamValue} }
    'webhooks.legacy.azure_devops._api_webhook_azure_devops': { paramsTuple?: []; params?: {} }
    'webhooks.legacy.azure_devops._api_webhook_azure_devops.handshake': { paramsTuple?: []; params?: {} }
    'plugins.azure_devops.connect.legacy': { paramsTuple?: []; params?: {} }
    'plugins.azure_devops.repositories': { paramsTuple: [ParamValue]; params: {'connection': ParamValue} }
    'plugins.azure_devops.repositories.save': { paramsTuple: [ParamValue]; params: {'connection': ParamValue} }
    'plugins.azure_devops.download': { paramsTuple: [ParamValue]; params: {'connection': ParamValue} }
    'webhooks.legacy.bitbucket._api_webhook_bitbucket_': { paramsTuple?: []; params?: {} }
    'webhooks.legacy.bitbucket._api_webhook_bitbucket_.handshake': { paramsTuple?: []; params?: {} }
    'plugins.bitbucket.repositories': { paramsTuple: [ParamValue]; params: {'connection': ParamValue} }
    'plugins.bitbucket.repositories.save': { paramsTuple: [ParamValue]; params: {'connection': ParamValue} }
    'webhooks.legacy.github._api_webhook_github_': { paramsTuple?: []; params?: {} }
    'webhooks.legacy.github._api_webhook_github_.handshake': { paramsTuple?: []; params?: {} }
    'webhooks.legacy.github._api_v1_github_webhook': { paramsTuple?: []; params?: {} }
    'webhooks.legacy.github._api_v1_github_webhook.handshake': { paramsTuple?: []; params?: {} }
    'plugins.github.connect': { paramsTuple?: []; params?: {} }
    'plugins.github.install': { paramsTuple?: []; params?: {} }
    'plugins.github.setup': { paramsTuple?: []; params?: {} }
    'plugins.github.setup.legacy': { paramsTuple?: []; params?: {} }
    'plugins.github.app': { paramsTuple?: []; params?: {} }
    'plugins.github.app.manifest': { paramsTuple?: []; params?: {} }
    'plugins.github.app.created': { paramsTuple?: []; params?: {} }
    'plugins.github.app.webhook_url': { paramsTuple?: []; params?: {} }
    'plugins.github.repositories': { paramsTuple: [ParamValue]; params: {'connection': ParamValue} }
    'plugins.github.repositories.save': { paramsTuple: [ParamValue]; params: {'connection': ParamValue} }
    'plugins.github.download': { paramsTuple: [ParamValue]; params: {'connection': ParamValue} }
    'plugins.jira.issue_types': { paramsTuple: [ParamValue]; params: {'connection': ParamValue} }
    'plugins.noa.glasses': { paramsTuple?: []; params?: {} }
    'plugins.noa.glasses_legacy': { paramsTuple?: []; params?: {} }
    'plugins.noa.chat.index': { paramsTuple?: []; params?: {} }
    'plugins.noa.chat.threads.store': { paramsTuple?: []; params?: {} }
    'plugins.noa.chat.threads.show': { paramsTuple: [ParamValue]; params: {'thread': ParamValue} }
    'plugins.noa.chat.messages.store': { paramsTuple: [ParamValue]; params: {'thread': ParamValue} }
    'plugins.noa.chat.threads.stream': { paramsTuple: [ParamValue]; params: {'thread': ParamValue} }
    'plugins.noa.chat.threads.destroy': { paramsTuple: [ParamValue]; params: {'thread': ParamValue} }
    'plugins.noa.chat.messages.image': { paramsTuple: [ParamValue]; params: {'message': ParamValue} }
    'plugins.noa.models.index': { paramsTuple?: []; params?: {} }
    'plugins.noa.models.store': { paramsTuple?: []; params?: {} }
    'plugins.noa.models.edit': { paramsTuple: [ParamValue]; params: {'model': ParamValue} }
    'plugins.noa.models.update': { paramsTuple: [ParamValue]; params: {'model': ParamValue} }
    'plugins.noa.models.destroy': { paramsTuple: [ParamValue]; params: {'model': ParamValue} }
    'plugins.noa.models.test': { paramsTuple: [ParamValue]; params: {'model': ParamValue} }
    'plugins.noa.knowledge.api.store': { paramsTuple?: []; params?: {} }
    'plugins.noa.knowledge.api.index': { paramsTuple?: []; params?: {} }
    'plugins.noa.knowledge.api.ask': { paramsTuple?: []; params?: {} }
    'plugins.noa.knowledge.api.destroy': { paramsTuple: [ParamValue]; params: {'entry': ParamValue} }
    'plugins.noa.knowledge.index': { paramsTuple?: []; params?: {} }
    'plugins.noa.knowledge.try': { paramsTuple?: []; params?: {} }
    'plugins.noa.knowledge.documents.store': { paramsTuple?: []; params?: {} }
    'plugins.noa.knowledge.documents.destroy': { paramsTuple?: []; params?: {} }
    'plugins.noa.knowledge.entries.destroy': { paramsTuple: [ParamValue]; params: {'entry': ParamValue} }
    'plugins.noa.knowledge.settings': { paramsTuple?: []; params?: {} }
    'plugins.snyk.sla': { paramsTuple?: []; params?: {} }
    'plugins.snyk.sla.save': { paramsTuple?: []; params?: {} }
    'plugins.snyk.organizations': { paramsTuple: [ParamValue]; params: {'connection': ParamValue} }
    'plugins.snyk.organizations.connect': { paramsTuple: [ParamValue]; params: {'connection': ParamValue} }
    'admin.webhooks': { paramsTuple?: []; params?: {} }
    'admin.webhooks.retry': { paramsTuple: [ParamValue]; params: {'delivery': ParamValue} }
    'admin.jobs': { paramsTuple?: []; params?: {} }
    'admin.jobs.run': { paramsTuple: [ParamValue]; params: {'schedule': ParamValue} }
    'admin.reference_data': { paramsTuple?: []; params?: {} }
    'admin.reference_data.reference': { paramsTuple?: []; params?: {} }
    'admin.reference_data.geographies': { paramsTuple?: []; params?: {} }
    'admin.reference_data.standards': { paramsTuple?: []; params?: {} }
    'admin.integrations': { paramsTuple?: []; params?: {} }
    'admin.integrations.connect': { paramsTuple: [ParamValue]; params: {'plugin': ParamValue} }
    'admin.integrations.test': { paramsTuple: [ParamValue]; params: {'connection': ParamValue} }
    'admin.integrations.disconnect': { paramsTuple: [ParamValue]; params: {'connection': ParamValue} }
    'settings.repository_mapping': { paramsTuple?: []; params?: {} }
    'settings.repository_mapping.map': { paramsTuple: [ParamValue]; params: {'reference': ParamValue} }
    'settings.people': { paramsTuple?: []; params?: {} }
    'settings.people.merge': { paramsTuple?: []; params?: {} }
    'settings.people.split': { paramsTuple: [ParamValue]; params: {'identity': ParamValue} }
    'settings.teams': { paramsTuple?: []; params?: {} }
    'settings.teams.store': { paramsTuple?: []; params?: {} }
    'settings.teams.update': { paramsTuple: [ParamValue]; params: {'team': ParamValue} }
    'settings.teams.destroy': { paramsTuple: [ParamValue]; params: {'team': ParamValue} }
    'settings.teams.members.add': { paramsTuple: [ParamValue]; params: {'team': ParamValue} }
    'settings.teams.members.remove': { paramsTuple: [ParamValue,ParamValue]; params: {'team': ParamValue,'person': ParamValue} }
    'documents.index': { paramsTuple?: []; params?: {} }
    'documents.store': { paramsTuple?: []; params?: {} }
    'documents.show': { paramsTuple: [ParamValue]; params: {'document': ParamValue} }
    'documents.file': { paramsTuple: [ParamValue]; params: {'document': ParamValue} }
    'documents.replace': { paramsTuple: [ParamValue]; params: {'document': ParamValue} }
    'documents.destroy': { paramsTuple: [ParamValue]; params: {'document': ParamValue} }
    'documents.evidence.review': { paramsTuple: [ParamValue]; params: {'document': ParamValue} }
    'api.documents.index': { paramsTuple?: []; params?: {} }
    'api.documents.store': { paramsTuple?: []; params?: {} }
    'api.documents.file': { paramsTuple: [ParamValue]; params: {'document': ParamValue} }
    'documents.legacy.upload_page': { paramsTuple?: []; params?: {} }
    'api.documents.legacy.index': { paramsTuple?: []; params?: {} }
    'api.documents.legacy.store': { paramsTuple?: []; params?: {} }
    'insights.summary': { paramsTuple?: []; params?: {} }
    'insights.products.index': { paramsTuple?: []; params?: {} }
    'insights.products.store': { paramsTuple?: []; params?: {} }
    'insights.products.show': { paramsTuple: [ParamValue]; params: {'product': ParamValue} }
    'insights.products.edit': { paramsTuple: [ParamValue]; params: {'product': ParamValue} }
    'insights.products.update': { paramsTuple: [ParamValue]; params: {'product': ParamValue} }
    'insights.products.repositories': { paramsTuple: [ParamValue]; params: {'product': ParamValue} }
    'insights.products.destroy': { paramsTuple: [ParamValue]; params: {'product': ParamValue} }
    'insights.compliance': { paramsTuple?: []; params?: {} }
    'insights.pull_requests': { paramsTuple?: []; params?: {} }
    'insights.deployments': { paramsTuple?: []; params?: {} }
    'insights.vulnerabilities': { paramsTuple?: []; params?: {} }
    'insights.issues': { paramsTuple?: []; params?: {} }
    'insights.first_reviews': { paramsTuple?: []; params?: {} }
    'insights.deployed_changes': { paramsTuple?: []; params?: {} }
    'insights.commits': { paramsTuple?: []; params?: {} }
    'insights.contributors': { paramsTuple?: []; params?: {} }
    'ai_code.index': { paramsTuple?: []; params?: {} }
    'ai_code.gbom': { paramsTuple: [ParamValue]; params: {'publicId': ParamValue} }
    'ai_code.attestations.index': { paramsTuple?: []; params?: {} }
    'ai_code.attestations.show': { paramsTuple: [ParamValue]; params: {'publicId': ParamValue} }
    'ai_code.attestations.pull_request': { paramsTuple: [ParamValue,ParamValue]; params: {'publicId': ParamValue,'number': ParamValue} }
    'ai_code.attestations.attest': { paramsTuple: [ParamValue,ParamValue]; params: {'publicId': ParamValue,'number': ParamValue} }
    'api.ai_code.composition': { paramsTuple?: []; params?: {} }
    'api.ai_code.legacy_composition': { paramsTuple?: []; params?: {} }
    'api.ai_code.repository_composition': { paramsTuple: [ParamValue]; params: {'publicId': ParamValue} }
    'api.ai_code.gbom': { paramsTuple: [ParamValue]; params: {'publicId': ParamValue} }
    'api.ai_code.pull_request_gbom': { paramsTuple: [ParamValue,ParamValue]; params: {'publicId': ParamValue,'number': ParamValue} }
    'settings.agreements': { paramsTuple?: []; params?: {} }
    'settings.agreements.store': { paramsTuple?: []; params?: {} }
    'settings.agreements.destroy': { paramsTuple: [ParamValue]; params: {'agreement': ParamValue} }
    'settings.agreements.webhook': { paramsTuple?: []; params?: {} }
    'settings.agreements.mail': { paramsTuple?: []; params?: {} }
    'insights.mail.stop': { paramsTuple: [ParamValue]; params: {'membership': ParamValue} }
  }
  GET: {
    'health.live': { paramsTuple?: []; params?: {} }
    'health.ready': { paramsTuple?: []; params?: {} }
    'sign_in': { paramsTuple?: []; params?: {} }
    'invitations.show': { paramsTuple: [ParamValue]; params: {'token': ParamValue} }
    'sign_up': { paramsTuple?: []; params?: {} }
    'sign_up.edit': { paramsTuple: [ParamValue]; params: {'token': ParamValue} }
    'password.forgot': { paramsTuple?: []; params?: {} }
    'password.reset': { paramsTuple: [ParamValue]; params: {'token': ParamValue} }
    'mfa.challenge': { paramsTuple?: []; params?: {} }
    'mfa.setup': { paramsTuple?: []; params?: {} }
    'passkeys.sign_in_options': { paramsTuple?: []; params?: {} }
    'home': { paramsTuple?: []; params?: {} }
    'organizations.index': { paramsTuple?: []; params?: {} }
    'organizations.show': { paramsTuple: [ParamValue]; params: {'organization': ParamValue} }
    'reauthenticate': { paramsTuple?: []; params?: {} }
    'recovery_codes.show': { paramsTuple?: []; params?: {} }
    'recovery_codes.download': { paramsTuple?: []; params?: {} }
    'settings.security': { paramsTuple?: []; params?: {} }
    'settings.sessions': { paramsTuple?: []; params?: {} }
    'settings.tokens': { paramsTuple?: []; params?: {} }
    'settings.members': { paramsTuple?: []; params?: {} }
    'settings.audit': { paramsTuple?: []; params?: {} }
    'settings.organization': { paramsTuple?: []; params?: {} }
    'settings.ai_code_policy': { paramsTuple?: []; params?: {} }
    'passkeys.options': { paramsTuple?: []; params?: {} }
    'admin.home': { paramsTuple?: []; params?: {} }
    'admin.users': { paramsTuple?: []; params?: {} }
    'admin.organizations': { paramsTuple?: []; params?: {} }
    'admin.audit': { paramsTuple?: []; params?: {} }
    'admin.organizations.delete_data.confirm': { paramsTuple: [ParamValue]; params: {'organization': ParamValue} }
    'admin.organizations.delete.confirm': { paramsTuple: [ParamValue]; params: {'organization': ParamValue} }
    'admin.users.erase.confirm': { paramsTuple: [ParamValue]; params: {'user': ParamValue} }
    'api.me': { paramsTuple?: []; params?: {} }
    'settings.connections': { paramsTuple?: []; params?: {} }
    'settings.connections.show': { paramsTuple: [ParamValue]; params: {'connection': ParamValue} }
    'settings.connections.status': { paramsTuple: [ParamValue]; params: {'connection': ParamValue} }
    'integrations.oauth.callback': { paramsTuple?: []; params?: {} }
    'integrations.oauth.callback.legacy._settings_connect_bitbucket_': { paramsTuple?: []; params?: {} }
    'integrations.oauth.callback.legacy._compass_api_v1_integrations_connect_jira_redirect_': { paramsTuple?: []; params?: {} }
    'integrations.oauth.accounts': { paramsTuple: [ParamValue]; params: {'choice': ParamValue} }
    'webhooks.handshake': { paramsTuple: [ParamValue]; params: {'plugin': ParamValue} }
    'webhooks.handshake.connection': { paramsTuple: [ParamValue,ParamValue,ParamValue]; params: {'plugin': ParamValue,'connection': ParamValue,'token': ParamValue} }
    'webhooks.legacy.azure_devops._api_webhook_azure_devops.handshake': { paramsTuple?: []; params?: {} }
    'plugins.azure_devops.connect.legacy': { paramsTuple?: []; params?: {} }
    'plugins.azure_devops.repositories': { paramsTuple: [ParamValue]; params: {'connection': ParamValue} }
    'webhooks.legacy.bitbucket._api_webhook_bitbucket_.handshake': { paramsTuple?: []; params?: {} }
    'plugins.bitbucket.repositories': { paramsTuple: [ParamValue]; params: {'connection': ParamValue} }
    'webhooks.legacy.github._api_webhook_github_.handshake': { paramsTuple?: []; params?: {} }
    'webhooks.legacy.github._api_v1_github_webhook.handshake': { paramsTuple?: []; params?: {} }
    'plugins.github.connect': { paramsTuple?: []; params?: {} }
    'plugins.github.setup': { paramsTuple?: []; params?: {} }
    'plugins.github.setup.legacy': { paramsTuple?: []; params?: {} }
    'plugins.github.app': { paramsTuple?: []; params?: {} }
    'plugins.github.app.created': { paramsTuple?: []; params?: {} }
    'plugins.github.repositories': { paramsTuple: [ParamValue]; params: {'connection': ParamValue} }
    'plugins.noa.chat.index': { paramsTuple?: []; params?: {} }
    'plugins.noa.chat.threads.show': { paramsTuple: [ParamValue]; params: {'thread': ParamValue} }
    'plugins.noa.chat.threads.stream': { paramsTuple: [ParamValue]; params: {'thread': ParamValue} }
    'plugins.noa.chat.messages.image': { paramsTuple: [ParamValue]; params: {'message': ParamValue} }
    'plugins.noa.models.index': { paramsTuple?: []; params?: {} }
    'plugins.noa.models.edit': { paramsTuple: [ParamValue]; params: {'model': ParamValue} }
    'plugins.noa.knowledge.api.index': { paramsTuple?: []; params?: {} }
    'plugins.noa.knowledge.index': { paramsTuple?: []; params?: {} }
    'plugins.snyk.sla': { paramsTuple?: []; params?: {} }
    'plugins.snyk.organizations': { paramsTuple: [ParamValue]; params: {'connection': ParamValue} }
    'admin.webhooks': { paramsTuple?: []; params?: {} }
    'admin.jobs': { paramsTuple?: []; params?: {} }
    'admin.reference_data': { paramsTuple?: []; params?: {} }
    'admin.integrations': { paramsTuple?: []; params?: {} }
    'settings.repository_mapping': { paramsTuple?: []; params?: {} }
    'settings.people': { paramsTuple?: []; params?: {} }
    'settings.teams': { paramsTuple?: []; params?: {} }
    'documents.index': { paramsTuple?: []; params?: {} }
    'documents.show': { paramsTuple: [ParamValue]; params: {'document': ParamValue} }
    'documents.file': { paramsTuple: [ParamValue]; params: {'document': ParamValue} }
    'api.documents.index': { paramsTuple?: []; params?: {} }
    'api.documents.file': { paramsTuple: [ParamValue]; params: {'document': ParamValue} }
    'documents.legacy.upload_page': { paramsTuple?: []; params?: {} }
    'api.documents.legacy.index': { paramsTuple?: []; params?: {} }
    'insights.summary': { paramsTuple?: []; params?: {} }
    'insights.products.index': { paramsTuple?: []; params?: {} }
    'insights.products.show': { paramsTuple: [ParamValue]; params: {'product': ParamValue} }
    'insights.products.edit': { paramsTuple: [ParamValue]; params: {'product': ParamValue} }
    'insights.compliance': { paramsTuple?: []; params?: {} }
    'insights.pull_requests': { paramsTuple?: []; params?: {} }
    'insights.deployments': { paramsTuple?: []; params?: {} }
    'insights.vulnerabilities': { paramsTuple?: []; params?: {} }
    'insights.issues': { paramsTuple?: []; params?: {} }
    'insights.first_reviews': { paramsTuple?: []; params?: {} }
    'insights.deployed_changes': { paramsTuple?: []; params?: {} }
    'insights.commits': { paramsTuple?: []; params?: {} }
    'insights.contributors': { paramsTuple?: []; params?: {} }
    'ai_code.index': { paramsTuple?: []; params?: {} }
    'ai_code.gbom': { paramsTuple: [ParamValue]; params: {'publicId': ParamValue} }
    'ai_code.attestations.index': { paramsTuple?: []; params?: {} }
    'ai_code.attestations.show': { paramsTuple: [ParamValue]; params: {'publicId': ParamValue} }
    'ai_code.attestations.pull_request': { paramsTuple: [ParamValue,ParamValue]; params: {'publicId': ParamValue,'number': ParamValue} }
    'api.ai_code.composition': { paramsTuple?: []; params?: {} }
    'api.ai_code.legacy_composition': { paramsTuple?: []; params?: {} }
    'api.ai_code.repository_composition': { paramsTuple: [ParamValue]; params: {'publicId': ParamValue} }
    'api.ai_code.gbom': { paramsTuple: [ParamValue]; params: {'publicId': ParamValue} }
    'api.ai_code.pull_request_gbom': { paramsTuple: [ParamValue,ParamValue]; params: {'publicId': ParamValue,'number': ParamValue} }
    'settings.agreements': { paramsTuple?: []; params?: {} }
    'insights.mail.stop': { paramsTuple: [ParamValue]; params: {'membership': ParamValue} }
  }
  HEAD: {
    'health.live': { paramsTuple?: []; params?: {} }
    'health.ready': { paramsTuple?: []; params?: {} }
    'sign_in': { paramsTuple?: []; params?: {} }
    'invitations.show': { paramsTuple: [ParamValue]; params: {'token': ParamValue} }
    'sign_up': { paramsTuple?: []; params?: {} }
    'sign_up.edit': { paramsTuple: [ParamValue]; params: {'token': ParamValue} }
    'password.forgot': { paramsTuple?: []; params?: {} }
    'password.reset': { paramsTuple: [ParamValue]; params: {'token': ParamValue} }
    'mfa.challenge': { paramsTuple?: []; params?: {} }
    'mfa.setup': { paramsTuple?: []; params?: {} }
    'passkeys.sign_in_options': { paramsTuple?: []; params?: {} }
    'home': { paramsTuple?: []; params?: {} }
    'organizations.index': { paramsTuple?: []; params?: {} }
    'organizations.show': { paramsTuple: [ParamValue]; params: {'organization': ParamValue} }
    'reauthenticate': { paramsTuple?: []; params?: {} }
    'recovery_codes.show': { paramsTuple?: []; params?: {} }
    'recovery_codes.download': { paramsTuple?: []; params?: {} }
    'settings.security': { paramsTuple?: []; params?: {} }
    'settings.sessions': { paramsTuple?: []; params?: {} }
    'settings.tokens': { paramsTuple?: []; params?: {} }
    'settings.members': { paramsTuple?: []; params?: {} }
    'settings.audit': { paramsTuple?: []; params?: {} }
    'settings.organization': { paramsTuple?: []; params?: {} }
    'settings.ai_code_policy': { paramsTuple?: []; params?: {} }
    'passkeys.options': { paramsTuple?: []; params?: {} }
    'admin.home': { paramsTuple?: []; params?: {} }
    'admin.users': { paramsTuple?: []; params?: {} }
    'admin.organizations': { paramsTuple?: []; params?: {} }
    'admin.audit': { paramsTuple?: []; params?: {} }
    'admin.organizations.delete_data.confirm': { paramsTuple: [ParamValue]; params: {'organization': ParamValue} }
    'admin.organizations.delete.confirm': { paramsTuple: [ParamValue]; params: {'organization': ParamValue} }
    'admin.users.erase.confirm': { paramsTuple: [ParamValue]; params: {'user': ParamValue} }
    'api.me': { paramsTuple?: []; params?: {} }
    'settings.connections': { paramsTuple?: []; params?: {} }
    'settings.connections.show': { paramsTuple: [ParamValue]; params: {'connection': ParamValue} }
    'settings.connections.status': { paramsTuple: [ParamValue]; params: {'connection': ParamValue} }
    'integrations.oauth.callback': { paramsTuple?: []; params?: {} }
    'integrations.oauth.callback.legacy._settings_connect_bitbucket_': { paramsTuple?: []; params?: {} }
    'integrations.oauth.callback.legacy._compass_api_v1_integrations_connect_jira_redirect_': { paramsTuple?: []; params?: {} }
    'integrations.oauth.accounts': { paramsTuple: [ParamValue]; params: {'choice': ParamValue} }
    'webhooks.handshake': { paramsTuple: [ParamValue]; params: {'plugin': ParamValue} }
    'webhooks.handshake.connection': { paramsTuple: [ParamValue,ParamValue,ParamValue]; params: {'plugin': ParamValue,'connection': ParamValue,'token': ParamValue} }
    'webhooks.legacy.azure_devops._api_webhook_azure_devops.handshake': { paramsTuple?: []; params?: {} }
    'plugins.azure_devops.connect.legacy': { paramsTuple?: []; params?: {} }
    'plugins.azure_devops.repositories': { paramsTuple: [ParamValue]; params: {'connection': ParamValue} }
    'webhooks.legacy.bitbucket._api_webhook_bitbucket_.handshake': { paramsTuple?: []; params?: {} }
    'plugins.bitbucket.repositories': { paramsTuple: [ParamValue]; params: {'connection': ParamValue} }
    'webhooks.legacy.github._api_webhook_github_.handshake': { paramsTuple?: []; params?: {} }
    'webhooks.legacy.github._api_v1_github_webhook.handshake': { paramsTuple?: []; params?: {} }
    'plugins.github.connect': { paramsTuple?: []; params?: {} }
    'plugins.github.setup': { paramsTuple?: []; params?: {} }
    'plugins.github.setup.legacy': { paramsTuple?: []; params?: {} }
    'plugins.github.app': { paramsTuple?: []; params?: {} }
    'plugins.github.app.created': { paramsTuple?: []; params?: {} }
    'plugins.github.repositories': { paramsTuple: [ParamValue]; params: {'connection': ParamValue} }
    'plugins.noa.chat.index': { paramsTuple?: []; params?: {} }
    'plugins.noa.chat.threads.show': { paramsTuple: [ParamValue]; params: {'thread': ParamValue} }
    'plugins.noa.chat.threads.stream': { paramsTuple: [ParamValue]; params: {'thread': ParamValue} }
    'plugins.noa.chat.messages.image': { paramsTuple: [ParamValue]; params: {'message': ParamValue} }
    'plugins.noa.models.index': { paramsTuple?: []; params?: {} }
    'plugins.noa.models.edit': { paramsTuple: [ParamValue]; params: {'model': ParamValue} }
    'plugins.noa.knowledge.api.index': { paramsTuple?: []; params?: {} }
    'plugins.noa.knowledge.index': { paramsTuple?: []; params?: {} }
    'plugins.snyk.sla': { paramsTuple?: []; params?: {} }
    'plugins.snyk.organizations': { paramsTuple: [ParamValue]; params: {'connection': ParamValue} }
    'admin.webhooks': { paramsTuple?: []; params?: {} }
    'admin.jobs': { paramsTuple?: []; params?: {} }
    'admin.reference_data': { paramsTuple?: []; params?: {} }
    'admin.integrations': { paramsTuple?: []; params?: {} }
    'settings.repository_mapping': { paramsTuple?: []; params?: {} }
    'settings.people': { paramsTuple?: []; params?: {} }
    'settings.teams': { paramsTuple?: []; params?: {} }
    'documents.index': { paramsTuple?: []; params?: {} }
    'documents.show': { paramsTuple: [ParamValue]; params: {'document': ParamValue} }
    'documents.file': { paramsTuple: [ParamValue]; params: {'document': ParamValue} }
    'api.documents.index': { paramsTuple?: []; params?: {} }
    'api.documents.file': { paramsTuple: [ParamValue]; params: {'document': ParamValue} }
    'documents.legacy.upload_page': { paramsTuple?: []; params?: {} }
    'api.documents.legacy.index': { paramsTuple?: []; params?: {} }
    'insights.summary': { paramsTuple?: []; params?: {} }
    'insights.products.index': { paramsTuple?: []; params?: {} }
    'insights.products.show': { paramsTuple: [ParamValue]; params: {'product': ParamValue} }
    'insights.products.edit': { paramsTuple: [ParamValue]; params: {'product': ParamValue} }
    'insights.compliance': { paramsTuple?: []; params?: {} }
    'insights.pull_requests': { paramsTuple?: []; params?: {} }
    'insights.deployments': { paramsTuple?: []; params?: {} }
    'insights.vulnerabilities': { paramsTuple?: []; params?: {} }
    'insights.issues': { paramsTuple?: []; params?: {} }
    'insights.first_reviews': { paramsTuple?: []; params?: {} }
    'insights.deployed_changes': { paramsTuple?: []; params?: {} }
    'insights.commits': { paramsTuple?: []; params?: {} }
    'insights.contributors': { paramsTuple?: []; params?: {} }
    'ai_code.index': { paramsTuple?: []; params?: {} }
    'ai_code.gbom': { paramsTuple: [ParamValue]; params: {'publicId': ParamValue} }
    'ai_code.attestations.index': { paramsTuple?: []; params?: {} }
    'ai_code.attestations.show': { paramsTuple: [ParamValue]; params: {'publicId': ParamValue} }
    'ai_code.attestations.pull_request': { paramsTuple: [ParamValue,ParamValue]; params: {'publicId': ParamValue,'number': ParamValue} }
    'api.ai_code.composition': { paramsTuple?: []; params?: {} }
    'api.ai_code.legacy_composition': { paramsTuple?: []; params?: {} }
    'api.ai_code.repository_composition': { paramsTuple: [ParamValue]; params: {'publicId': ParamValue} }
    'api.ai_code.gbom': { paramsTuple: [ParamValue]; params: {'publicId': ParamValue} }
    'api.ai_code.pull_request_gbom': { paramsTuple: [ParamValue,ParamValue]; params: {'publicId': ParamValue,'number': ParamValue} }
    'settings.agreements': { paramsTuple?: []; params?: {} }
    'insights.mail.stop': { paramsTuple: [ParamValue]; params: {'membership': ParamValue} }
  }
  POST: {
    'sign_in.store': { paramsTuple?: []; params?: {} }
    'invitations.accept': { paramsTuple: [ParamValue]; params: {'token': ParamValue} }
    'sign_up.store': { paramsTuple?: []; params?: {} }
    'sign_up.update': { paramsTuple: [ParamValue]; params: {'token': ParamValue} }
    'password.send_link': { paramsTuple?: []; params?: {} }
    'password.update': { paramsTuple: [ParamValue]; params: {'token': ParamValue} }
    'mfa.verify': { paramsTuple?: []; params?: {} }
    'mfa.confirm': { paramsTuple?: []; params?: {} }
    'passkeys.sign_in': { paramsTuple?: []; params?: {} }
    'sign_out': { paramsTuple?: []; params?: {} }
    'organizations.switch': { paramsTuple?: []; params?: {} }
    'reauthenticate.store': { paramsTuple?: []; params?: {} }
    'recovery_codes.saved': { paramsTuple?: []; params?: {} }
    'settings.sessions.revoke_others': { paramsTuple?: []; params?: {} }
    'settings.sessions.revoke': { paramsTuple: [ParamValue]; params: {'session': ParamValue} }
    'settings.marketing_consent': { paramsTuple?: []; params?: {} }
    'settings.tokens.revoke': { paramsTuple: [ParamValue]; params: {'token': ParamValue} }
    'settings.members.invite': { paramsTuple?: []; params?: {} }
    'settings.members.revoke_invite': { paramsTuple: [ParamValue]; params: {'invite': ParamValue} }
    'settings.members.role': { paramsTuple: [ParamValue]; params: {'membership': ParamValue} }
    'settings.members.remove': { paramsTuple: [ParamValue]; params: {'membership': ParamValue} }
    'settings.ai_code_policy.update': { paramsTuple?: []; params?: {} }
    'settings.password': { paramsTuple?: []; params?: {} }
    'settings.profile': { paramsTuple?: []; params?: {} }
    'settings.recovery_codes': { paramsTuple?: []; params?: {} }
    'settings.tokens.store': { paramsTuple?: []; params?: {} }
    'settings.organization.update': { paramsTuple?: []; params?: {} }
    'passkeys.register': { paramsTuple?: []; params?: {} }
    'passkeys.remove': { paramsTuple: [ParamValue]; params: {'factor': ParamValue} }
    'admin.users.lock': { paramsTuple: [ParamValue]; params: {'user': ParamValue} }
    'admin.users.unlock': { paramsTuple: [ParamValue]; params: {'user': ParamValue} }
    'admin.users.reset_mfa': { paramsTuple: [ParamValue]; params: {'user': ParamValue} }
    'admin.users.delete': { paramsTuple: [ParamValue]; params: {'user': ParamValue} }
    'admin.organizations.delete_data': { paramsTuple: [ParamValue]; params: {'organization': ParamValue} }
    'admin.organizations.delete': { paramsTuple: [ParamValue]; params: {'organization': ParamValue} }
    'admin.users.erase': { paramsTuple: [ParamValue]; params: {'user': ParamValue} }
    'settings.connections.test': { paramsTuple: [ParamValue]; params: {'connection': ParamValue} }
    'settings.connections.sync': { paramsTuple: [ParamValue]; params: {'connection': ParamValue} }
    'settings.connections.connect': { paramsTuple: [ParamValue]; params: {'plugin': ParamValue} }
    'settings.connections.disconnect': { paramsTuple: [ParamValue]; params: {'connection': ParamValue} }
    'settings.connections.hooks.retry': { paramsTuple: [ParamValue,ParamValue]; params: {'connection': ParamValue,'hook': ParamValue} }
    'settings.connections.webhook_url.rotate': { paramsTuple: [ParamValue]; params: {'connection': ParamValue} }
    'integrations.oauth.start': { paramsTuple: [ParamValue]; params: {'plugin': ParamValue} }
    'integrations.oauth.accounts.store': { paramsTuple: [ParamValue]; params: {'choice': ParamValue} }
    'webhooks.receive': { paramsTuple: [ParamValue]; params: {'plugin': ParamValue} }
    'webhooks.receive.connection': { paramsTuple: [ParamValue,ParamValue,ParamValue]; params: {'plugin': ParamValue,'connection': ParamValue,'token': ParamValue} }
    'webhooks.legacy.azure_devops._api_webhook_azure_devops': { paramsTuple?: []; params?: {} }
    'plugins.azure_devops.repositories.save': { paramsTuple: [ParamValue]; params: {'connection': ParamValue} }
    'plugins.azure_devops.download': { paramsTuple: [ParamValue]; params: {'connection': ParamValue} }
    'webhooks.legacy.bitbucket._api_webhook_bitbucket_': { paramsTuple?: []; params?: {} }
    'plugins.bitbucket.repositories.save': { paramsTuple: [ParamValue]; params: {'connection': ParamValue} }
    'webhooks.legacy.github._api_webhook_github_': { paramsTuple?: []; params?: {} }
    'webhooks.legacy.github._api_v1_github_webhook': { paramsTuple?: []; params?: {} }
    'plugins.github.install': { paramsTuple?: []; params?: {} }
    'plugins.github.app.manifest': { paramsTuple?: []; params?: {} }
    'plugins.github.app.webhook_url': { paramsTuple?: []; params?: {} }
    'plugins.github.repositories.save': { paramsTuple: [ParamValue]; params: {'connection': ParamValue} }
    'plugins.github.download': { paramsTuple: [ParamValue]; params: {'connection': ParamValue} }
    'plugins.jira.issue_types': { paramsTuple: [ParamValue]; params: {'connection': ParamValue} }
    'plugins.noa.glasses': { paramsTuple?: []; params?: {} }
    'plugins.noa.glasses_legacy': { paramsTuple?: []; params?: {} }
    'plugins.noa.chat.threads.store': { paramsTuple?: []; params?: {} }
    'plugins.noa.chat.messages.store': { paramsTuple: [ParamValue]; params: {'thread': ParamValue} }
    'plugins.noa.chat.threads.destroy': { paramsTuple: [ParamValue]; params: {'thread': ParamValue} }
    'plugins.noa.models.store': { paramsTuple?: []; params?: {} }
    'plugins.noa.models.update': { paramsTuple: [ParamValue]; params: {'model': ParamValue} }
    'plugins.noa.models.destroy': { paramsTuple: [ParamValue]; params: {'model': ParamValue} }
    'plugins.noa.models.test': { paramsTuple: [ParamValue]; params: {'model': ParamValue} }
    'plugins.noa.knowledge.api.store': { paramsTuple?: []; params?: {} }
    'plugins.noa.knowledge.api.ask': { paramsTuple?: []; params?: {} }
    'plugins.noa.knowledge.try': { paramsTuple?: []; params?: {} }
    'plugins.noa.knowledge.documents.store': { paramsTuple?: []; params?: {} }
    'plugins.noa.knowledge.documents.destroy': { paramsTuple?: []; params?: {} }
    'plugins.noa.knowledge.entries.destroy': { paramsTuple: [ParamValue]; params: {'entry': ParamValue} }
    'plugins.noa.knowledge.settings': { paramsTuple?: []; params?: {} }
    'plugins.snyk.sla.save': { paramsTuple?: []; params?: {} }
    'plugins.snyk.organizations.connect': { paramsTuple: [ParamValue]; params: {'connection': ParamValue} }
    'admin.webhooks.retry': { paramsTuple: [ParamValue]; params: {'delivery': ParamValue} }
    'admin.jobs.run': { paramsTuple: [ParamValue]; params: {'schedule': ParamValue} }
    'admin.reference_data.reference': { paramsTuple?: []; params?: {} }
    'admin.reference_data.geographies': { paramsTuple?: []; params?: {} }
    'admin.reference_data.standards': { paramsTuple?: []; params?: {} }
    'admin.integrations.connect': { paramsTuple: [ParamValue]; params: {'plugin': ParamValue} }
    'admin.integrations.test': { paramsTuple: [ParamValue]; params: {'connection': ParamValue} }
    'admin.integrations.disconnect': { paramsTuple: [ParamValue]; params: {'connection': ParamValue} }
    'settings.repository_mapping.map': { paramsTuple: [ParamValue]; params: {'reference': ParamValue} }
    'settings.people.merge': { paramsTuple?: []; params?: {} }
    'settings.people.split': { paramsTuple: [ParamValue]; params: {'identity': ParamValue} }
    'settings.teams.store': { paramsTuple?: []; params?: {} }
    'settings.teams.update': { paramsTuple: [ParamValue]; params: {'team': ParamValue} }
    'settings.teams.destroy': { paramsTuple: [ParamValue]; params: {'team': ParamValue} }
    'settings.teams.members.add': { paramsTuple: [ParamValue]; params: {'team': ParamValue} }
    'settings.teams.members.remove': { paramsTuple: [ParamValue,ParamValue]; params: {'team': ParamValue,'person': ParamValue} }
    'documents.store': { paramsTuple?: []; params?: {} }
    'documents.replace': { paramsTuple: [ParamValue]; params: {'document': ParamValue} }
    'documents.destroy': { paramsTuple: [ParamValue]; params: {'document': ParamValue} }
    'documents.evidence.review': { paramsTuple: [ParamValue]; params: {'document': ParamValue} }
    'api.documents.store': { paramsTuple?: []; params?: {} }
    'api.documents.legacy.store': { paramsTuple?: []; params?: {} }
    'insights.products.store': { paramsTuple?: []; params?: {} }
    'insights.products.update': { paramsTuple: [ParamValue]; params: {'product': ParamValue} }
    'insights.products.repositories': { paramsTuple: [ParamValue]; params: {'product': ParamValue} }
    'insights.products.destroy': { paramsTuple: [ParamValue]; params: {'product': ParamValue} }
    'ai_code.attestations.attest': { paramsTuple: [ParamValue,ParamValue]; params: {'publicId': ParamValue,'number': ParamValue} }
    'settings.agreements.store': { paramsTuple?: []; params?: {} }
    'settings.agreements.destroy': { paramsTuple: [ParamValue]; params: {'agreement': ParamValue} }
    'settings.agreements.webhook': { paramsTuple?: []; params?: {} }
    'settings.agreements.mail': { paramsTuple?: []; params?: {} }
  }
  DELETE: {
    'plugins.noa.knowledge.api.destroy': { paramsTuple: [ParamValue]; params: {'entry': ParamValue} }
  }
}
declare module '@adonisjs/core/types/http' {
  export interface RoutesList extends ScannedRoutes {}
}